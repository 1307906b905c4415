using System.Text.Json;

namespace KvCluster.Hosting;

/// <summary>
/// --token-file: the client tokens the services load (and load again when the file changes), as
/// <c>{"Tokens": {"name": {"Secret": "…", "Role": "read|write|admin", "Prefix": "app/"}}}</c>. The services read the
/// file themselves; the AppHost only checks it before anything starts, so that a typo is said at once.
/// </summary>
public static class TokenFile
{
    /// <summary>The roles a token may have.</summary>
    public static readonly IReadOnlyList<string> Roles = ["read", "write", "admin"];

    private static readonly JsonDocumentOptions Json = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>
    /// The first problem with the file at <paramref name="path"/>, or null. <paramref name="generatedNames"/> are the names
    /// of tokens the AppHost hands out itself (--auth's admin and client tokens), which the file must then not use as well:
    /// the services would read the two as one token.
    /// </summary>
    public static string? Validate(string path, IReadOnlyCollection<string>? generatedNames = null)
    {
        if (!File.Exists(path)) return $"--token-file: there is no file {path}.";
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), Json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || Property(document.RootElement, "Tokens") is not { ValueKind: JsonValueKind.Object } tokens)
                return $"--token-file: {path} has no \"Tokens\" object ({{\"Tokens\": {{\"name\": {{\"Secret\": \"...\", \"Role\": \"write\"}}}}}}).";
            foreach (var token in tokens.EnumerateObject())
            {
                if (token.Name.Length == 0 || token.Name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ':' or '_'))
                    return $"--token-file: {path} has a token named '{token.Name}'; a name must be non-empty, without spaces, ':' or '_'.";
                if (generatedNames is not null && generatedNames.Contains(token.Name, StringComparer.OrdinalIgnoreCase))
                    return $"--token-file: {path} has a token named '{token.Name}', the name of a token --auth generates " +
                        $"({string.Join(", ", generatedNames)}); rename it or leave out --auth.";
                if (token.Value.ValueKind != JsonValueKind.Object)
                    return $"--token-file: token '{token.Name}' in {path} is not an object with a Secret and a Role.";
                if (Property(token.Value, "Secret") is not { ValueKind: JsonValueKind.String } secret || string.IsNullOrWhiteSpace(secret.GetString()))
                    return $"--token-file: token '{token.Name}' in {path} has no Secret.";
                string? role = Property(token.Value, "Role") is { ValueKind: JsonValueKind.String } roleValue ? roleValue.GetString() : null;
                // As the services read it: trimmed, in any case.
                if (role is null || !Roles.Contains(role.Trim().ToLowerInvariant()))
                    return $"--token-file: token '{token.Name}' in {path} has role '{role}'; it must be one of {string.Join(", ", Roles)}.";
                if (Property(token.Value, "Prefix") is { } prefix && prefix.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    return $"--token-file: token '{token.Name}' in {path} has a Prefix that is not a string.";
            }
            return null;
        }
        catch (JsonException e)
        {
            return $"--token-file: {path} is not JSON ({e.Message}).";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--token-file: {path} cannot be read ({e.Message}).";
        }
    }

    // Configuration keys are case-insensitive, and the services read the file as configuration.
    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }
        return null;
    }
}

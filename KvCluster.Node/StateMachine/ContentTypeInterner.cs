namespace KvCluster.Node.StateMachine;

/// <summary>
/// Shares one string instance per distinct Content-Type, so a million keys written as
/// "application/json" hold one string between them rather than a million copies from the decoder.
/// Bounded, so a client sending a fresh type per write cannot grow it without limit. Apply thread only.
/// </summary>
internal sealed class ContentTypeInterner
{
    private const int MaxDistinct = 1024;

    private readonly Dictionary<string, string> _known = new(StringComparer.Ordinal)
    {
        [""] = "",
        ["application/octet-stream"] = "application/octet-stream",
        ["application/json"] = "application/json",
        ["text/plain"] = "text/plain",
        ["text/plain; charset=utf-8"] = "text/plain; charset=utf-8",
    };

    public string Intern(string contentType)
    {
        if (_known.TryGetValue(contentType, out var shared))
            return shared;
        if (_known.Count < MaxDistinct)
            _known.Add(contentType, contentType);
        return contentType;
    }
}

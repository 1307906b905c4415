namespace KvCluster.Hosting;

/// <summary>Files that hold secrets (endpoints.json, redis.conf): created readable and writable by their owner alone (0600).</summary>
internal static class OwnerOnlyFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// A new file at <paramref name="temporaryPath"/>, 0600 from the moment it exists (any earlier one there is deleted
    /// first), to be moved over the real one once written: a reader never sees half of it, nor a moment it was open to all.
    /// </summary>
    public static FileStream CreateTemporary(string temporaryPath)
    {
        File.Delete(temporaryPath);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = Mode;
        return new FileStream(temporaryPath, options);
    }
}

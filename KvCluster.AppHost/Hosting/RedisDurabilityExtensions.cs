using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>The Redis settings the log relies on, for a redis-server executable and for the Redis container alike.</summary>
public static class RedisDurabilityExtensions
{
    /// <summary>
    /// Growth of the AOF, in percent of its size after the last rewrite, that starts the next rewrite (Redis's default is
    /// 100). Compaction trims the log, so the AOF is mostly trimmed entries; rewriting at 100 % under sustained 10 KiB
    /// writes forked Redis (a 50-70 ms stall) and spent seconds of a core every 10-20 s, about a tenth of the throughput.
    /// </summary>
    public const int AofRewritePercentage = 400;

    /// <summary>
    /// The AOF on with <paramref name="fsync"/> ("always" loses no acknowledged write, "everysec" up to about a second),
    /// no RDB save points (the integration's default <c>--save 60 1</c> would lose up to a minute), and rewrites that
    /// do not compress (LZF cost the rewrite child 36-108 µs of CPU per 10 KiB write, values that mostly do not shrink).
    /// </summary>
    public static IResourceBuilder<T> WithAppendOnlyLog<T>(this IResourceBuilder<T> builder, string fsync)
        where T : IResourceWithArgs =>
        builder.WithArgs(
            "--appendonly", "yes",
            "--appendfsync", fsync,
            "--auto-aof-rewrite-percentage", AofRewritePercentage.ToString(CultureInfo.InvariantCulture),
            "--rdbcompression", "no",
            "--save", "");
}

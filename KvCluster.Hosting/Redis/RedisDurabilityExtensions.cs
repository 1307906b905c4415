using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using KvCluster.Hosting;

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
    /// no RDB save points, and rewrites that do not compress (LZF cost the rewrite child 36-108 µs of CPU per 10 KiB
    /// write, for values that mostly do not shrink).
    /// </summary>
    public static IReadOnlyList<string> AppendOnlyArguments(string fsync) =>
    [
        "--appendonly", "yes",
        "--appendfsync", fsync,
        "--auto-aof-rewrite-percentage", AofRewritePercentage.ToString(CultureInfo.InvariantCulture),
        "--rdbcompression", "no",
        "--save", "",
    ];

    /// <summary>redis-server with <see cref="AppendOnlyArguments"/> on its command line.</summary>
    public static IResourceBuilder<RedisServerResource> WithAppendOnlyLog(this IResourceBuilder<RedisServerResource> builder, string fsync) =>
        builder.WithAppendOnlyLog(() => fsync);

    /// <summary>As <see cref="WithAppendOnlyLog(IResourceBuilder{RedisServerResource}, string)"/>, the policy read at each start.</summary>
    public static IResourceBuilder<RedisServerResource> WithAppendOnlyLog(this IResourceBuilder<RedisServerResource> builder, Func<string> fsync) =>
        builder.WithArgs(context =>
        {
            foreach (var argument in AppendOnlyArguments(fsync())) context.Args.Add(argument);
        });

    /// <summary>
    /// The container runs <c>/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD ..."</c>: the settings go into that
    /// command line. Add no <c>WithDataVolume</c>/<c>WithPersistence</c> beside this: their <c>--save 60 1</c> would
    /// snapshot instead, losing up to a minute of acknowledged writes.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithAppendOnlyLog(this IResourceBuilder<RedisResource> builder, string fsync) =>
        builder.WithAppendOnlyLog(() => fsync);

    /// <summary>As <see cref="WithAppendOnlyLog(IResourceBuilder{RedisResource}, string)"/>, the policy read when the command line is made.</summary>
    public static IResourceBuilder<RedisResource> WithAppendOnlyLog(this IResourceBuilder<RedisResource> builder, Func<string> fsync) =>
        builder.WithArgs(context =>
        {
            int command = context.Args.ToList().FindIndex(arg => arg is string text && text.StartsWith("redis-server", StringComparison.Ordinal));
            if (command < 0) throw new InvalidOperationException("The Redis container's command line was not found; its integration has changed.");
            var settings = AppendOnlyArguments(fsync()).Select(argument => argument.Length == 0 ? "''" : argument);
            context.Args[command] = (string)context.Args[command] + " " + string.Join(' ', settings);
        });
}

using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvCluster.Tests.ServiceDefaults;

public sealed class SupervisorWatchdogTests
{
    [Fact]
    public async Task The_service_stops_when_its_supervisor_process_dies()
    {
        using var supervisor = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kv:SupervisorPid"] = supervisor.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            builder.AddServiceDefaults();
            using var host = builder.Build();
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
            await host.StartAsync();

            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the supervisor is still alive");
            supervisor.Kill();
            await supervisor.WaitForExitAsync();

            await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await host.StopAsync();
        }
        finally
        {
            if (!supervisor.HasExited)
            {
                supervisor.Kill();
            }
        }
    }
}

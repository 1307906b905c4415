using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace KvCluster.Hosting;

/// <summary>Keeps the model's node resources in line with the node counts, whenever WithNodes or WithSpareNodes changes them.</summary>
internal static class ClusterNodes
{
    public static void Sync(IDistributedApplicationBuilder builder, KvClusterResource cluster)
    {
        var settings = cluster.Settings;
        // Spare nodes are for growing a local cluster from the dashboard; a deployment scales by its node count.
        int modelled = builder.ExecutionContext.IsRunMode ? settings.TotalNodes : settings.Nodes;
        while (cluster.AllNodes.Count < modelled) cluster.Remember(cluster.AddNode!(cluster.AllNodes.Count + 1));
        for (int index = 1; index <= cluster.AllNodes.Count; index++)
        {
            var node = cluster.ModelledNode(index);
            bool present = builder.Resources.Contains(node);
            if (index <= modelled && !present) builder.Resources.Add(node);
            if (index > modelled && present) builder.Resources.Remove(node);
            foreach (var explicitStart in node.Annotations.OfType<ExplicitStartupAnnotation>().ToArray()) node.Annotations.Remove(explicitStart);
            if (index > settings.Nodes) node.Annotations.Add(new ExplicitStartupAnnotation());
        }
    }
}

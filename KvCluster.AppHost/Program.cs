Console.WriteLine("KvCluster.AppHost: not yet implemented");

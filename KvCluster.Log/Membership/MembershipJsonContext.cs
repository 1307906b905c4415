using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvCluster.Log.Membership;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MemberRecord))]
[JsonSerializable(typeof(ClusterView))]
public sealed partial class MembershipJsonContext : JsonSerializerContext;

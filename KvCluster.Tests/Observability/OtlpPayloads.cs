using System.Globalization;

namespace KvCluster.Tests.Observability;

/// <summary>Who sent a batch of telemetry: the OTLP resource's attributes (service.name, service.instance.id, ...).</summary>
internal sealed record OtlpResource(IReadOnlyDictionary<string, string> Attributes)
{
    public string ServiceName => Attributes.GetValueOrDefault("service.name", "");

    public string InstanceId => Attributes.GetValueOrDefault("service.instance.id", "");
}

internal sealed record OtlpSpan(OtlpResource Resource, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>One data point of a metric: its attributes and, for gauges and sums, its value.</summary>
internal sealed record OtlpDataPoint(IReadOnlyDictionary<string, string> Attributes, double? Value);

internal sealed record OtlpMetric(OtlpResource Resource, string Scope, string Name, IReadOnlyList<OtlpDataPoint> Points);

internal sealed record OtlpLogRecord(OtlpResource Resource, string Scope, string Body, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Decodes the OTLP/HTTP protobuf bodies (opentelemetry-proto's Export*ServiceRequest messages), keeping only the
/// fields the tests look at. Field numbers are those of opentelemetry/proto/{trace,metrics,logs,common,resource}/v1.
/// </summary>
internal static class OtlpPayloads
{
    public static List<OtlpSpan> Spans(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        // ExportTraceServiceRequest: 1 = ResourceSpans { 1 = Resource, 2 = ScopeSpans { 1 = scope, 2 = Span } }
        ForEachResource(body, (resource, scopes) =>
        {
            ForEachScope(scopes, (scope, items) =>
            {
                foreach (var item in items) spans.Add(ReadSpan(resource, scope, item));
            });
        });
        return spans;
    }

    public static List<OtlpMetric> Metrics(byte[] body)
    {
        var metrics = new List<OtlpMetric>();
        ForEachResource(body, (resource, scopes) =>
        {
            ForEachScope(scopes, (scope, items) =>
            {
                foreach (var item in items) metrics.Add(ReadMetric(resource, scope, item));
            });
        });
        return metrics;
    }

    public static List<OtlpLogRecord> Logs(byte[] body)
    {
        var logs = new List<OtlpLogRecord>();
        ForEachResource(body, (resource, scopes) =>
        {
            ForEachScope(scopes, (scope, items) =>
            {
                foreach (var item in items) logs.Add(ReadLogRecord(resource, scope, item));
            });
        });
        return logs;
    }

    /// <summary>Resource* { 1 = Resource, 2 = Scope* } at field 1 of every Export*ServiceRequest.</summary>
    private static void ForEachResource(byte[] body, Action<OtlpResource, List<byte[]>> visit)
    {
        var request = new ProtobufReader(body);
        while (request.TryReadField(out int field))
        {
            if (field != 1) { request.Skip(); continue; }
            var inner = new ProtobufReader(request.ReadBytes());
            var resource = new OtlpResource(new Dictionary<string, string>());
            var scopes = new List<byte[]>();
            while (inner.TryReadField(out int innerField))
            {
                if (innerField == 1) resource = new OtlpResource(ReadResourceAttributes(inner.ReadBytes()));
                else if (innerField == 2) scopes.Add(inner.ReadBytes().ToArray());
                else inner.Skip();
            }
            visit(resource, scopes);
        }
    }

    /// <summary>Scope* { 1 = InstrumentationScope { 1 = name }, 2 = spans / metrics / log records }.</summary>
    private static void ForEachScope(List<byte[]> scopes, Action<string, List<byte[]>> visit)
    {
        foreach (var bytes in scopes)
        {
            var reader = new ProtobufReader(bytes);
            string scope = "";
            var items = new List<byte[]>();
            while (reader.TryReadField(out int field))
            {
                if (field == 1) scope = ReadScopeName(reader.ReadBytes());
                else if (field == 2) items.Add(reader.ReadBytes().ToArray());
                else reader.Skip();
            }
            visit(scope, items);
        }
    }

    private static string ReadScopeName(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadField(out int field))
        {
            if (field == 1) return reader.ReadString();
            reader.Skip();
        }
        return "";
    }

    private static Dictionary<string, string> ReadResourceAttributes(ReadOnlySpan<byte> bytes)
    {
        var attributes = new Dictionary<string, string>();
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadField(out int field))
        {
            if (field == 1) AddKeyValue(attributes, reader.ReadBytes());
            else reader.Skip();
        }
        return attributes;
    }

    /// <summary>Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 9 attributes.</summary>
    private static OtlpSpan ReadSpan(OtlpResource resource, string scope, byte[] bytes)
    {
        var reader = new ProtobufReader(bytes);
        string traceId = "", spanId = "", parentSpanId = "", name = "";
        var attributes = new Dictionary<string, string>();
        while (reader.TryReadField(out int field))
        {
            switch (field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 2: spanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 4: parentSpanId = Convert.ToHexStringLower(reader.ReadBytes()); break;
                case 5: name = reader.ReadString(); break;
                case 9: AddKeyValue(attributes, reader.ReadBytes()); break;
                default: reader.Skip(); break;
            }
        }
        return new OtlpSpan(resource, scope, traceId, spanId, parentSpanId, name, attributes);
    }

    /// <summary>Metric: 1 name, 5 gauge, 7 sum, 9 histogram; gauge and sum hold NumberDataPoints at 1.</summary>
    private static OtlpMetric ReadMetric(OtlpResource resource, string scope, byte[] bytes)
    {
        var reader = new ProtobufReader(bytes);
        string name = "";
        var points = new List<OtlpDataPoint>();
        while (reader.TryReadField(out int field))
        {
            switch (field)
            {
                case 1: name = reader.ReadString(); break;
                case 5 or 7 or 9:
                    var data = new ProtobufReader(reader.ReadBytes());
                    while (data.TryReadField(out int dataField))
                    {
                        if (dataField == 1) points.Add(ReadDataPoint(data.ReadBytes(), isNumber: field != 9));
                        else data.Skip();
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        return new OtlpMetric(resource, scope, name, points);
    }

    /// <summary>NumberDataPoint: 4 as_double, 6 as_int, 7 attributes. HistogramDataPoint keeps attributes at 9.</summary>
    private static OtlpDataPoint ReadDataPoint(ReadOnlySpan<byte> bytes, bool isNumber)
    {
        var reader = new ProtobufReader(bytes);
        var attributes = new Dictionary<string, string>();
        double? value = null;
        while (reader.TryReadField(out int field))
        {
            if (isNumber && field == 4) value = BitConverter.Int64BitsToDouble((long)reader.ReadFixed64());
            else if (isNumber && field == 6) value = reader.ReadInt64();
            else if (field == (isNumber ? 7 : 9)) AddKeyValue(attributes, reader.ReadBytes());
            else reader.Skip();
        }
        return new OtlpDataPoint(attributes, value);
    }

    /// <summary>LogRecord: 5 body (AnyValue), 6 attributes.</summary>
    private static OtlpLogRecord ReadLogRecord(OtlpResource resource, string scope, byte[] bytes)
    {
        var reader = new ProtobufReader(bytes);
        string body = "";
        var attributes = new Dictionary<string, string>();
        while (reader.TryReadField(out int field))
        {
            if (field == 5) body = ReadAnyValue(reader.ReadBytes());
            else if (field == 6) AddKeyValue(attributes, reader.ReadBytes());
            else reader.Skip();
        }
        return new OtlpLogRecord(resource, scope, body, attributes);
    }

    /// <summary>KeyValue: 1 key, 2 value (AnyValue).</summary>
    private static void AddKeyValue(Dictionary<string, string> into, ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes);
        string key = "", value = "";
        while (reader.TryReadField(out int field))
        {
            if (field == 1) key = reader.ReadString();
            else if (field == 2) value = ReadAnyValue(reader.ReadBytes());
            else reader.Skip();
        }
        into[key] = value;
    }

    /// <summary>AnyValue as text: 1 string, 2 bool, 3 int, 4 double; arrays, lists and bytes as "".</summary>
    private static string ReadAnyValue(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadField(out int field))
        {
            switch (field)
            {
                case 1: return reader.ReadString();
                case 2: return reader.ReadVarint() != 0 ? "true" : "false";
                case 3: return reader.ReadInt64().ToString(CultureInfo.InvariantCulture);
                case 4: return BitConverter.Int64BitsToDouble((long)reader.ReadFixed64()).ToString(CultureInfo.InvariantCulture);
                default: reader.Skip(); break;
            }
        }
        return "";
    }
}

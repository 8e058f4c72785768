using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>Source-generated JSON for the API's records (camelCase, nulls omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<DatabaseView>))]
[JsonSerializable(typeof(IReadOnlyList<SinkView>))]
[JsonSerializable(typeof(SinkDetail))]
[JsonSerializable(typeof(ConnectionTestView))]
[JsonSerializable(typeof(IReadOnlyList<FailingMessageView>))]
[JsonSerializable(typeof(MessageChangeView))]
[JsonSerializable(typeof(BulkChangeView))]
[JsonSerializable(typeof(ParkedMessageView))]
[JsonSerializable(typeof(BackfillStartRequest))]
[JsonSerializable(typeof(BackfillView))]
[JsonSerializable(typeof(IReadOnlyList<BackfillView>))]
[JsonSerializable(typeof(IReadOnlyList<SinkForms.SinkTypeView>))]
[JsonSerializable(typeof(SinkForms.SinkTypeView))]
[JsonSerializable(typeof(SinkForms.SinkProposal))]
[JsonSerializable(typeof(SinkForms.SinkProposalResult))]
[JsonSerializable(typeof(RoutingEditor.RoutingRunRequest))]
[JsonSerializable(typeof(RoutingEditor.RoutingRunView))]
[JsonSerializable(typeof(ConfigPlanView))]
internal sealed partial class SequinApiJsonContext : JsonSerializerContext;

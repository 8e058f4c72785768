namespace Sequin.Messages;

/// <summary>The sink consumer a message is delivered for: <c>metadata.consumer</c>.</summary>
/// <param name="Id">A stable id of the sink (its name when none is configured).</param>
/// <param name="Name">The sink's name in <c>sequin.yaml</c>.</param>
/// <param name="AnnotationsJson">User annotations as a JSON object text; <c>{}</c> when none.</param>
public sealed record ConsumerInfo(string Id, string Name, string AnnotationsJson = "{}");

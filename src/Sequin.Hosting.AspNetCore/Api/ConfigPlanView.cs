namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>A validation error of a posted configuration: its key path (empty for the file) and message, as <c>sequin validate</c> prints them.</summary>
internal sealed record ConfigErrorView(string Path, string Message);

/// <summary>One difference between the running configuration and the posted one; key names only, never values.</summary>
internal sealed record ConfigChangeView(string Kind, string Name, string Action, IReadOnlyList<string> ChangedKeys, string? Yaml);

/// <summary>
/// The answer of <c>POST /api/config/plan</c> and <c>/apply</c>: the errors of an invalid configuration (nothing applied),
/// or the plan, whether it can be applied live (else why a restart is needed), and for apply whether it was applied.
/// </summary>
internal sealed record ConfigPlanView(
    bool Valid,
    IReadOnlyList<ConfigErrorView> Errors,
    IReadOnlyList<ConfigChangeView> Changes,
    bool CanApplyLive,
    IReadOnlyList<string> RestartNeeded,
    bool Applied,
    string? Error,
    string Text);

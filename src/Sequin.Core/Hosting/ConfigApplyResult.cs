using Sequin.Configuration;

namespace Sequin.Hosting;

/// <summary>What <see cref="SequinRuntime.ApplyAsync"/> did.</summary>
/// <param name="Plan">The difference between the running configuration and the new one.</param>
/// <param name="Applied">Whether the new configuration runs now (also true when there was nothing to change).</param>
/// <param name="Error">Why it was refused (the running configuration stays), or null.</param>
internal sealed record ConfigApplyResult(ConfigPlan Plan, bool Applied, string? Error);

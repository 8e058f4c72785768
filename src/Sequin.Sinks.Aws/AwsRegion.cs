namespace Sequin.Sinks.Aws;

/// <summary>The rule for the <c>region</c> key of AWS sinks.</summary>
public static class AwsRegion
{
    /// <summary>The pattern of a region: 1-64 lower-case letters, digits and dashes.</summary>
    public const string PatternText = "^[a-z0-9-]{1,64}$";

    /// <summary>How the rule is described in errors.</summary>
    public const string Description = "an AWS region such as us-east-1";
}

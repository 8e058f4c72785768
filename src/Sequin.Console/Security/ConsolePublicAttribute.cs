namespace Sequin.WebConsole.Security;

/// <summary>Marks a console page that answers without signing in (the login page); the loopback and cross-site rules still apply.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ConsolePublicAttribute : Attribute;

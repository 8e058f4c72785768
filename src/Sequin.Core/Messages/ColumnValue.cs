namespace Sequin.Messages;

/// <summary>One column of a row image: its kind and, for <see cref="ColumnValueKind.Text"/>, PostgreSQL's text form.</summary>
/// <param name="Kind">Null, text, or an unchanged TOAST value.</param>
/// <param name="Text">The value in PostgreSQL's text output format when <paramref name="Kind"/> is Text; otherwise null.</param>
public readonly record struct ColumnValue(ColumnValueKind Kind, string? Text)
{
    /// <summary>The placeholder reported for an unchanged TOAST value: <c>unchanged_toast</c>.</summary>
    public const string UnchangedToastPlaceholder = "unchanged_toast";

    /// <summary>SQL NULL.</summary>
    public static ColumnValue Null => default;

    /// <summary>An unchanged TOAST value.</summary>
    public static ColumnValue UnchangedToast => new(ColumnValueKind.UnchangedToast, null);

    /// <summary>A text value.</summary>
    public static ColumnValue FromText(string text) => new(ColumnValueKind.Text, text);
}

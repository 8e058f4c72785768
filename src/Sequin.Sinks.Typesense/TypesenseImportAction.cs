namespace Sequin.Sinks.Typesense;

/// <summary>How indexed documents are written to Typesense (the import endpoint's <c>action</c> parameter).</summary>
public enum TypesenseImportAction
{
    /// <summary>
    /// Create the document, or merge the given fields into an existing one (partial update). YAML: <c>emplace</c>.
    /// The default, as in the original Sequin.
    /// </summary>
    Emplace,

    /// <summary>Create the document, or replace an existing one entirely. YAML: <c>upsert</c>.</summary>
    Upsert,
}

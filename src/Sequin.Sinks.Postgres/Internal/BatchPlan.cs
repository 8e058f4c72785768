using Sequin.Messages;

namespace Sequin.Sinks.Postgres.Internal;

/// <summary>
/// What a batch (one target table, changes in commit order) does to the table, with each row's changes folded into
/// the last one: a row's final state depends only on its last change (inserts, updates and reads write the whole row),
/// so within a run of row changes a row is either deleted or upserted once, and the deletes can go before the upserts.
/// A delete then an insert of one key ends with the row present; an update that changed the key deletes the old key
/// first. An update whose TOASTed column was not sent keeps the value an earlier upsert of the same batch wrote, or
/// leaves the target's column as it is. A truncate (when applied) ends one run and starts the next, so the changes
/// before it are gone with it and the ones after it stay.
/// </summary>
internal sealed class BatchPlan
{
    private BatchPlan(IReadOnlyList<PlanStep> steps) => Steps = steps;

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>Folds <paramref name="messages"/> (commit order) into steps.</summary>
    public static BatchPlan Build(IEnumerable<ChangeMessage> messages, PostgresTruncateMode truncate)
    {
        var steps = new List<PlanStep>();
        var run = new RowRun();
        foreach (var message in messages)
        {
            switch (message.Action)
            {
                case ChangeAction.Truncate:
                    if (truncate == PostgresTruncateMode.Apply)
                    {
                        // Whatever came before is truncated away: only the truncate is sent, then what follows it.
                        run = new RowRun();
                        steps.Clear();
                        steps.Add(TruncateStep.Instance);
                    }

                    break;
                case ChangeAction.Delete:
                    run.Delete(message.Record);
                    break;
                default:
                    if (message.OldRecord is { } old && !SameKey(old, message.Record))
                    {
                        run.Delete(old);
                    }

                    run.Upsert(message.Record);
                    break;
            }
        }

        if (!run.IsEmpty)
        {
            steps.Add(run.ToStep());
        }

        return new BatchPlan(steps);
    }

    /// <summary>The key of a row: its key columns' names and texts.</summary>
    public static string KeyOf(RowImage row)
    {
        var keys = row.Relation.KeyColumnIndexes;
        var parts = new string[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            parts[i] = row.Relation.Columns[keys[i]].Name + "\u001e" + row[keys[i]].Text;
        }

        return string.Join('\u001f', parts);
    }

    private static bool SameKey(RowImage a, RowImage b) => string.Equals(KeyOf(a), KeyOf(b), StringComparison.Ordinal);

    /// <summary>A run of row changes: each key's last state, in the order keys were first seen.</summary>
    private sealed class RowRun
    {
        private readonly Dictionary<string, (bool Delete, RowImage Row)> _last = new(StringComparer.Ordinal);
        private readonly List<string> _order = [];

        public bool IsEmpty => _order.Count == 0;

        public void Delete(RowImage row) => Set(KeyOf(row), (true, row));

        public void Upsert(RowImage row)
        {
            var key = KeyOf(row);
            if (_last.TryGetValue(key, out var before) && !before.Delete && HasUnchangedToast(row))
            {
                row = FillUnchanged(row, before.Row);
            }

            Set(key, (false, row));
        }

        public RowsStep ToStep()
        {
            var deletes = new List<RowImage>();
            var upserts = new List<RowImage>();
            foreach (var key in _order)
            {
                var (delete, row) = _last[key];
                (delete ? deletes : upserts).Add(row);
            }

            return new RowsStep(deletes, upserts);
        }

        private void Set(string key, (bool, RowImage) state)
        {
            if (!_last.ContainsKey(key))
            {
                _order.Add(key);
            }

            _last[key] = state;
        }

        private static bool HasUnchangedToast(RowImage row)
        {
            foreach (var value in row.Values)
            {
                if (value.Kind == ColumnValueKind.UnchangedToast)
                {
                    return true;
                }
            }

            return false;
        }

        // The earlier upsert's value of each column the later change did not send (same columns by name).
        private static RowImage FillUnchanged(RowImage row, RowImage earlier)
        {
            var values = row.Values.ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].Kind == ColumnValueKind.UnchangedToast && earlier.TryGetValue(row.Relation.Columns[i].Name, out var value))
                {
                    values[i] = value;
                }
            }

            return new RowImage(row.Relation, values);
        }
    }
}

/// <summary>One step of a <see cref="BatchPlan"/>.</summary>
internal abstract class PlanStep;

/// <summary>Truncate the target table.</summary>
internal sealed class TruncateStep : PlanStep
{
    public static readonly TruncateStep Instance = new();
}

/// <summary>Rows to delete (key columns used) and rows to upsert, each key once over both lists.</summary>
internal sealed class RowsStep(IReadOnlyList<RowImage> deletes, IReadOnlyList<RowImage> upserts) : PlanStep
{
    public IReadOnlyList<RowImage> Deletes { get; } = deletes;

    public IReadOnlyList<RowImage> Upserts { get; } = upserts;
}

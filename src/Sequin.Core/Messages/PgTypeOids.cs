namespace Sequin.Messages;

/// <summary>The built-in PostgreSQL type OIDs the JSON conversion treats specially.</summary>
public static class PgTypeOids
{
#pragma warning disable CS1591, CA1720 // The names are PostgreSQL's own type names.
    public const uint Bool = 16;
    public const uint Bytea = 17;
    public const uint Char = 18;
    public const uint Name = 19;
    public const uint Int8 = 20;
    public const uint Int2 = 21;
    public const uint Int4 = 23;
    public const uint Text = 25;
    public const uint Oid = 26;
    public const uint Json = 114;
    public const uint Float4 = 700;
    public const uint Float8 = 701;
    public const uint Money = 790;
    public const uint Bpchar = 1042;
    public const uint Varchar = 1043;
    public const uint Date = 1082;
    public const uint Time = 1083;
    public const uint Timestamp = 1114;
    public const uint Timestamptz = 1184;
    public const uint Interval = 1186;
    public const uint Timetz = 1266;
    public const uint Numeric = 1700;
    public const uint Uuid = 2950;
    public const uint Jsonb = 3802;
#pragma warning restore CS1591, CA1720

    /// <summary>Returns the element type of a built-in array type, or 0 when <paramref name="typeOid"/> is not one.</summary>
    public static uint ElementTypeOf(uint typeOid) => typeOid switch
    {
        1000 => Bool,
        1001 => Bytea,
        1002 => Char,
        1003 => Name,
        1005 => Int2,
        1007 => Int4,
        1009 => Text,
        1014 => Bpchar,
        1015 => Varchar,
        1016 => Int8,
        1021 => Float4,
        1022 => Float8,
        1028 => Oid,
        791 => Money,
        1115 => Timestamp,
        1182 => Date,
        1183 => Time,
        1185 => Timestamptz,
        1187 => Interval,
        1270 => Timetz,
        1231 => Numeric,
        2951 => Uuid,
        199 => Json,
        3807 => Jsonb,
        _ => 0,
    };
}

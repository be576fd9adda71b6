using System.Globalization;

namespace Estuary.Server.Configuration;

/// <summary>
/// Numbers, switches and durations must parse as the options class reads them, and none may be negative; a few
/// (lifetimes, sizes) may not be zero either. Otherwise the binder would stop the start with an exception.
/// </summary>
internal sealed class ValueTypesRule : IConfigurationRule
{
    // Keys where zero has no meaning (elsewhere 0 turns a limit or a timer off).
    private static readonly HashSet<string> MustBePositive = new(StringComparer.OrdinalIgnoreCase)
    {
        "Estuary:MaxRequestBodyBytes",
        "Estuary:PendingRequestLifetime",
        "Estuary:Ca:RootValidityDays",
        "Estuary:Ca:IssuingValidityDays",
        "Estuary:Ca:IssuingCheckInterval",
        "Estuary:Revocation:CrlValidity",
        "Estuary:Revocation:RecheckInterval",
        "Estuary:Revocation:OcspValidity",
        "Estuary:Revocation:OcspSignerValidity",
        "Estuary:Admin:SessionLifetime",
        "Estuary:Labels:*:ValidityDays",
    };

    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        foreach (var leaf in ConfigurationLeaf.Known(context.Configuration))
        {
            var type = leaf.Node.ValueType!;
            if (type == typeof(string) || leaf.Value.Length == 0)
            {
                continue;
            }

            var (ok, sign, expected) = Parse(type, leaf.Value);
            if (!ok)
            {
                context.AddUnreadable(leaf.Key, leaf.Value, expected);
            }
            else if (sign < 0 || (sign == 0 && MustBePositive.Contains(leaf.Template)))
            {
                context.Add(leaf.Key, leaf.Value, sign < 0 ? "must not be negative" : "must be more than zero");
            }
        }

        return ValueTask.CompletedTask;
    }

    private static (bool Ok, int Sign, string Expected) Parse(Type type, string value)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (type == typeof(int) || type == typeof(long))
        {
            return long.TryParse(value, NumberStyles.Integer, invariant, out var n) && (type == typeof(long) || n is >= int.MinValue and <= int.MaxValue)
                ? (true, Math.Sign(n), "")
                : (false, 0, "is not a whole number");
        }

        if (type == typeof(bool))
        {
            return (bool.TryParse(value, out _), 0, "is not true or false");
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(value, invariant, out var t)
                ? (true, t.CompareTo(TimeSpan.Zero), "")
                : (false, 0, "is not a duration: write [days.]hours:minutes:seconds, e.g. 00:30:00 for 30 minutes or 7.00:00:00 for 7 days");
        }

        if (type == typeof(double) || type == typeof(decimal))
        {
            return double.TryParse(value, NumberStyles.Float, invariant, out var d) ? (true, Math.Sign(d), "") : (false, 0, "is not a number");
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out _)
                ? (true, 0, "")
                : (false, 0, "is not one of " + string.Join(", ", Enum.GetNames(type)));
        }

        return (true, 0, "");
    }
}

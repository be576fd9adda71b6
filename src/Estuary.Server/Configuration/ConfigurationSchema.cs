using System.Collections;
using Estuary.Admin;
using Estuary.Ca;
using Estuary.Ra;
using Estuary.Storage;

namespace Estuary.Server.Configuration;

/// <summary>
/// Every key Estuary reads under "Estuary", derived by reflection from the options classes the server binds, so
/// a new option is known here the moment it exists (and SampleConfigurationTests asks for it in the sample file).
/// A new section needs one line in <see cref="Build"/>.
/// </summary>
public sealed class ConfigurationSchema
{
    /// <summary>The root section.</summary>
    public const string Root = "Estuary";

    /// <summary>Keys that are refused with their own message (a removed setting that used to grant access), not as unknown.</summary>
    public static readonly IReadOnlySet<string> Removed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Estuary:Admin:ClientCertificateSubjects" };

    // Set by the code, never read from configuration (AdapterRegistry overwrites them).
    private static readonly HashSet<string> NotFromConfiguration = new(StringComparer.Ordinal) { "AdapterDefinition.Name", "AdapterDefinition.ProtectedPassword" };

    private ConfigurationSchema()
    {
    }

    /// <summary>The schema of the whole "Estuary" section.</summary>
    public static ConfigurationSchema Estuary { get; } = Build();

    /// <summary>Named children (case-insensitive, as configuration keys are).</summary>
    public IDictionary<string, ConfigurationSchema> Children { get; } = new SortedDictionary<string, ConfigurationSchema>(StringComparer.OrdinalIgnoreCase);

    /// <summary>For a dictionary (a label, an adapter) or a list (an index): the schema of any child.</summary>
    public ConfigurationSchema? AnyChild { get; private set; }

    /// <summary>True for a list of values (Estuary:Ca:TlsHostnames:0, …).</summary>
    public bool IsList { get; private set; }

    /// <summary>The type of a leaf value (string, int, bool, TimeSpan, …); null for a section.</summary>
    public Type? ValueType { get; private set; }

    /// <summary>A leaf's default as the options class sets it, or a list's default entries.</summary>
    public object? Default { get; private set; }

    /// <summary>Every key, with "*" for a label, an adapter name or a list index, in order.</summary>
    public IEnumerable<string> Keys(string prefix = Root)
    {
        if (ValueType is not null || IsList)
        {
            yield return prefix;
            yield break;
        }

        foreach (var (name, child) in Children)
        {
            foreach (var key in child.Keys(prefix + ":" + name))
            {
                yield return key;
            }
        }

        if (AnyChild is not null)
        {
            foreach (var key in AnyChild.Keys(prefix + ":*"))
            {
                yield return key;
            }
        }
    }

    /// <summary>The node of <paramref name="name"/> under this one: a named child, or any child of a dictionary/list.</summary>
    public ConfigurationSchema? Find(string name) => Children.TryGetValue(name, out var child) ? child : AnyChild;

    private static ConfigurationSchema Build()
    {
        var root = Section(typeof(EstuaryOptions), typeof(RaOptions));
        root.Children["Ca"] = Section(typeof(CaOptions));
        root.Children["Admin"] = Section(typeof(AdminOptions));
        root.Children["Storage"] = Section(typeof(StorageOptions));
        root.Children["RateLimits"] = Section(typeof(RateLimitOptions));
        root.Children["Revocation"] = Section(typeof(RevocationOptions));
        root.Children["Logging"] = Section(typeof(LoggingOptions));
        return root;
    }

    private static ConfigurationSchema Section(params Type[] types)
    {
        var node = new ConfigurationSchema();
        foreach (var type in types)
        {
            var instance = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || NotFromConfiguration.Contains(type.Name + "." + property.Name))
                {
                    continue;
                }

                var child = Of(property.PropertyType, property.CanWrite && property.SetMethod!.IsPublic, property.GetValue(instance));
                if (child is not null)
                {
                    node.Children[property.Name] = child;
                }
            }
        }

        return node;
    }

    private static ConfigurationSchema? Of(Type type, bool settable, object? value)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string) || underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(TimeSpan) || underlying == typeof(decimal))
        {
            // A get-only scalar is computed (UsesPkcs11, HasPassword), not configuration.
            return settable ? new ConfigurationSchema { ValueType = underlying, Default = value } : null;
        }

        if (Generic(type, typeof(IDictionary<,>)) is { } dictionary)
        {
            return new ConfigurationSchema { AnyChild = Section(dictionary[1]) };
        }

        if (Generic(type, typeof(IEnumerable<>)) is { } list)
        {
            return new ConfigurationSchema { IsList = true, AnyChild = new ConfigurationSchema { ValueType = list[0] }, Default = (value as IEnumerable)?.Cast<object>().ToList() };
        }

        return type.IsClass && type.GetConstructor(Type.EmptyTypes) is not null ? Section(type) : null;
    }

    private static Type[]? Generic(Type type, Type definition)
    {
        var match = type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
        return match?.GetGenericArguments();
    }
}

namespace Estuary.Ra;

/// <summary>The managed-template side of a profile: null for profiles compiled from configuration.</summary>
public sealed partial class Profile
{
    /// <summary>Who may use the profile and which names a CSR may carry, when it comes from a template.</summary>
    public TemplateRules? Template { get; private set; }

    /// <summary>Attaches a template's rules; called once by <see cref="TemplateCompiler"/> before the profile is published.</summary>
    internal Profile WithTemplate(TemplateRules rules)
    {
        Template = rules;
        return this;
    }
}

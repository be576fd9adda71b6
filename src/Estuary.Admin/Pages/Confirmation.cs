namespace Estuary.Admin.Pages;

/// <summary>
/// The question a destructive action asks first (a GET page: nothing has happened yet); only the POST of its
/// Confirm button acts. <paramref name="Handler"/> is the page handler that acts, <paramref name="Fields"/> the
/// hidden values it receives.
/// </summary>
public sealed record Confirmation(string Question, string Consequence, string Handler, string ConfirmText, string CancelPath)
{
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>();

    /// <summary>One more value the action needs and only the confirming person can give (a reason, a password).</summary>
    public ConfirmationInput? Input { get; init; }
}

/// <summary>A text or password field on a confirmation.</summary>
public sealed record ConfirmationInput(string Name, string Label, bool Required, bool Password = false, int MaxLength = 200, string? Placeholder = null);

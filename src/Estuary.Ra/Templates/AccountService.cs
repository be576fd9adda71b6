using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// EST client accounts (HTTP Basic): created with a generated password shown once, stored hashed, in groups
/// that templates admit. Disabling or a new password takes effect on the next request: the remembered
/// password check is forgotten at once.
/// </summary>
public sealed class AccountService
{
    private readonly IEstuaryStore _store;
    private readonly IManagementStore _management;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _time;

    public AccountService(IEstuaryStore store, IManagementStore management, PasswordHasher hasher, TimeProvider time)
    {
        _store = store;
        _management = management;
        _hasher = hasher;
        _time = time;
    }

    /// <summary>User names are one token without ':' (RFC 7617 §2), 1 to 64 characters.</summary>
    public static bool IsValidUsername(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@');

    public static bool IsValidGroup(string name) => IsValidUsername(name);

    public async Task<IReadOnlyList<(EstAccount Account, IReadOnlyList<string> Groups)>> ListAsync(CancellationToken cancellationToken)
    {
        var accounts = await _management.ListAccountsAsync(cancellationToken);
        var groups = await _management.GetAllAccountGroupsAsync(cancellationToken);
        return accounts.Select(a => (a, groups.GetValueOrDefault(a.Username) ?? [])).ToList();
    }

    public async Task<(EstAccount Account, IReadOnlyList<string> Groups)?> FindAsync(string username, CancellationToken cancellationToken) =>
        await _store.FindAccountAsync(username, cancellationToken) is { } account
            ? (account, await _management.GetAccountGroupsAsync(username, cancellationToken))
            : null;

    /// <summary>Creates an account; returns its password (shown once) or the problem.</summary>
    public async Task<(string? Password, string? Problem)> CreateAsync(string username, IEnumerable<string> groups, string actor, CancellationToken cancellationToken)
    {
        username = username.Trim();
        if (!IsValidUsername(username))
        {
            return (null, "user name must be 1 to 64 letters, digits, '-', '_', '.' or '@'");
        }

        var groupList = CleanGroups(groups, out var groupProblem);
        if (groupProblem is not null)
        {
            return (null, groupProblem);
        }

        var password = PasswordHasher.GeneratePassword();
        var now = _time.GetUtcNow();
        var account = new EstAccount { Username = username, PasswordHash = _hasher.Hash(password), Enabled = true, CreatedAt = now };
        var created = await _management.CreateAccountAsync(account, groupList, new AuditEvent(now, "account.created", actor, $"EST account '{username}' groups [{string.Join(", ", groupList)}]"), cancellationToken);
        return created ? (password, null) : (null, $"an account named '{username}' already exists");
    }

    public async Task<bool> SetEnabledAsync(string username, bool enabled, string actor, CancellationToken cancellationToken)
    {
        var changed = await _management.SetAccountEnabledAsync(username, enabled, new AuditEvent(_time.GetUtcNow(), enabled ? "account.enabled" : "account.disabled", actor, $"EST account '{username}'"), cancellationToken);
        _hasher.Forget(username);
        return changed;
    }

    /// <summary>Gives the account a new generated password (returned once); null when there is no such account.</summary>
    public async Task<string?> ResetPasswordAsync(string username, string actor, CancellationToken cancellationToken)
    {
        var password = PasswordHasher.GeneratePassword();
        var changed = await _management.SetAccountPasswordAsync(username, _hasher.Hash(password), new AuditEvent(_time.GetUtcNow(), "account.password-reset", actor, $"EST account '{username}'"), cancellationToken);
        _hasher.Forget(username);
        return changed ? password : null;
    }

    /// <summary>Replaces the account's groups; returns the problem or null.</summary>
    public async Task<string?> SetGroupsAsync(string username, IEnumerable<string> groups, string actor, CancellationToken cancellationToken)
    {
        var list = CleanGroups(groups, out var problem);
        if (problem is not null)
        {
            return problem;
        }

        return await _management.SetAccountGroupsAsync(username, list, new AuditEvent(_time.GetUtcNow(), "account.groups", actor, $"EST account '{username}' groups [{string.Join(", ", list)}]"), cancellationToken)
            ? null
            : $"no account named '{username}'";
    }

    private static List<string> CleanGroups(IEnumerable<string> groups, out string? problem)
    {
        var list = groups.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        problem = list.FirstOrDefault(g => !IsValidGroup(g)) is { } bad ? $"group '{bad}' must be 1 to 64 letters, digits, '-', '_', '.' or '@'" : null;
        return list;
    }
}

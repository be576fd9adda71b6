using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// What every <see cref="IManagementStore"/> (the console's and the REST API's records) must do, run unchanged
/// against SQLite and PostgreSQL by the concrete subclasses. Each test gets a fresh, empty database.
/// </summary>
public abstract partial class ManagementStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly List<IEstuaryStore> _opened = [];

    /// <summary>Opens (migrating if needed) this test's database; a second call opens the same database again.</summary>
    protected abstract Task<IEstuaryStore> OpenStoreAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private async Task<(IEstuaryStore Store, IManagementStore Management)> OpenAsync()
    {
        var store = await OpenStoreAsync();
        _opened.Add(store);
        return (store, Assert.IsAssignableFrom<IManagementStore>(store));
    }

    private static AuditEvent Audit(string kind, string detail, int minutes = 0) => new(T0.AddMinutes(minutes), kind, "admin:test", detail);

    private static CertificateRecord Certificate(string serial, string subject, string label, int minutes) => new()
    {
        Serial = serial,
        Subject = subject,
        SubjectAltNames = "DNS:" + subject[3..] + ".example",
        Issuer = "CN=Estuary Issuing CA",
        NotBefore = T0.AddMinutes(minutes),
        NotAfter = T0.AddMinutes(minutes).AddDays(30),
        RequestedBy = "basic:fleet",
        Label = label,
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = T0.AddMinutes(minutes),
    };

    private static AdminUser Admin(string name, AdminRole role = AdminRole.Administrator) =>
        new() { Username = name, PasswordHash = "hash-" + name, CreatedAt = T0, SecurityStamp = "stamp-" + name, Role = role };

    [Fact]
    public async Task A_template_is_created_replaced_and_deleted_each_with_its_audit_event()
    {
        var (store, m) = await OpenAsync();

        await m.UpsertTemplateAsync(new StoredDefinition("cameras", "{\"v\":1}", T0, "admin:a"), Audit("template.created", "cameras v1"), None);
        await m.UpsertTemplateAsync(new StoredDefinition("cameras", "{\"v\":2}", T0.AddMinutes(1), "admin:b"), Audit("template.updated", "cameras v2"), None);
        await m.UpsertTemplateAsync(new StoredDefinition("badges", "{}", T0, "admin:a"), Audit("template.created", "badges"), None);

        var listed = await m.ListTemplatesAsync(None);
        Assert.Equal(["badges", "cameras"], listed.Select(t => t.Name));
        Assert.Equal(new StoredDefinition("cameras", "{\"v\":2}", T0.AddMinutes(1), "admin:b"), listed[1]);

        Assert.True(await m.DeleteTemplateAsync("cameras", Audit("template.deleted", "cameras gone"), None));
        Assert.False(await m.DeleteTemplateAsync("cameras", Audit("template.deleted", "cameras twice"), None));
        Assert.Equal(["badges"], (await m.ListTemplatesAsync(None)).Select(t => t.Name));
        var audit = await store.ListAuditAsync(10, None);
        Assert.Equal(["cameras gone", "badges", "cameras v2", "cameras v1"], audit.Select(a => a.Detail));
    }

    [Fact]
    public async Task Adapters_are_kept_apart_from_templates()
    {
        var (_, m) = await OpenAsync();

        await m.UpsertAdapterAsync(new StoredDefinition("upstream", "{\"url\":\"x\"}", T0, "admin:a"), Audit("adapter.created", "upstream"), None);

        Assert.Equal("upstream", Assert.Single(await m.ListAdaptersAsync(None)).Name);
        Assert.Empty(await m.ListTemplatesAsync(None));
        Assert.True(await m.DeleteAdapterAsync("upstream", Audit("adapter.deleted", "upstream"), None));
        Assert.Empty(await m.ListAdaptersAsync(None));
    }

    [Fact]
    public async Task An_account_is_created_with_its_groups_and_a_taken_name_changes_nothing()
    {
        var (store, m) = await OpenAsync();
        var account = new EstAccount { Username = "camera-7", PasswordHash = "h1", Enabled = true, CreatedAt = T0 };

        Assert.True(await m.CreateAccountAsync(account, ["fleet", "lab", "fleet"], Audit("account.created", "camera-7"), None));
        Assert.False(await m.CreateAccountAsync(account with { PasswordHash = "h2" }, ["other"], Audit("account.created", "camera-7 again"), None));

        Assert.Equal(account, Assert.Single(await m.ListAccountsAsync(None)));
        Assert.Equal(["fleet", "lab"], await m.GetAccountGroupsAsync("camera-7", None));
        Assert.DoesNotContain(await store.ListAuditAsync(10, None), a => a.Detail == "camera-7 again");
    }

    [Fact]
    public async Task Account_state_groups_and_password_change_only_for_an_existing_account()
    {
        var (store, m) = await OpenAsync();
        await m.CreateAccountAsync(new EstAccount { Username = "a", PasswordHash = "h1", Enabled = true, CreatedAt = T0 }, ["x"], Audit("account.created", "a"), None);
        await m.CreateAccountAsync(new EstAccount { Username = "b", PasswordHash = "h1", Enabled = true, CreatedAt = T0 }, [], Audit("account.created", "b"), None);

        Assert.True(await m.SetAccountEnabledAsync("a", false, Audit("account.disabled", "a off"), None));
        Assert.True(await m.SetAccountPasswordAsync("a", "h2", Audit("account.password", "a pw"), None));
        Assert.True(await m.SetAccountGroupsAsync("a", ["x", "y"], Audit("account.groups", "a groups"), None));
        Assert.False(await m.SetAccountEnabledAsync("nobody", false, Audit("account.disabled", "nobody off"), None));
        Assert.False(await m.SetAccountPasswordAsync("nobody", "h", Audit("account.password", "nobody pw"), None));
        Assert.False(await m.SetAccountGroupsAsync("nobody", ["x"], Audit("account.groups", "nobody groups"), None));

        var a = await store.FindAccountAsync("a", None);
        Assert.False(a!.Enabled);
        Assert.Equal("h2", a.PasswordHash);
        var all = await m.GetAllAccountGroupsAsync(None);
        Assert.Equal(["x", "y"], all["a"]);
        Assert.False(all.ContainsKey("b"));
        Assert.Empty(await m.GetAccountGroupsAsync("nobody", None));
        var details = (await store.ListAuditAsync(20, None)).Select(e => e.Detail).ToList();
        Assert.Contains("a groups", details);
        Assert.DoesNotContain(details, d => d.StartsWith("nobody", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_administrator_is_found_with_its_login_state_and_a_taken_name_is_refused()
    {
        var (_, m) = await OpenAsync();

        Assert.Equal(0, await m.CountAdminsAsync(None));
        Assert.True(await m.InsertAdminAsync(Admin("admin"), Audit("admin.created", "admin"), None));
        Assert.False(await m.InsertAdminAsync(Admin("admin"), Audit("admin.created", "admin again"), None));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(new AdminLoginState(i + 1, null, false), await m.RecordAdminLoginFailureAsync("admin", 5, T0.AddMinutes(15), Audit("admin.login-failed", "wrong"), Audit("admin.locked", "locked"), None));
        }

        Assert.Null(await m.RecordAdminLoginFailureAsync("nobody", 5, T0.AddMinutes(15), Audit("admin.login-failed", "nobody"), Audit("admin.locked", "nobody"), None));
        var found = await m.FindAdminAsync("admin", None);
        Assert.Equal(Admin("admin") with { FailedLogins = 3 }, found);
        Assert.True(found!.Enabled);
        Assert.Null(await m.FindAdminAsync("nobody", None));
        Assert.Equal(1, await m.CountAdminsAsync(None));
    }

    [Fact]
    public async Task Administrators_can_be_disabled_but_never_the_last_enabled_one()
    {
        var (store, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        await m.InsertAdminAsync(Admin("bob"), Audit("admin.created", "bob"), None);

        Assert.True(await m.SetAdminEnabledAsync("bob", false, "stamp-bob-false", Audit("admin.disabled", "bob off"), None));
        Assert.False(await m.SetAdminEnabledAsync("alice", false, "stamp-alice-false", Audit("admin.disabled", "alice off"), None));
        Assert.False(await m.SetAdminEnabledAsync("nobody", true, "stamp-nobody-true", Audit("admin.enabled", "nobody on"), None));

        var admins = await m.ListAdminsAsync(None);
        Assert.Equal(["alice", "bob"], admins.Select(a => a.Username));
        Assert.Equal([true, false], admins.Select(a => a.Enabled));
        Assert.True(await m.SetAdminEnabledAsync("bob", true, "stamp-bob-true", Audit("admin.enabled", "bob on"), None));
        Assert.True(await m.SetAdminEnabledAsync("alice", false, "stamp-alice-false", Audit("admin.disabled", "alice off at last"), None));
        var details = (await store.ListAuditAsync(20, None)).Select(e => e.Detail).ToList();
        Assert.Equal(["alice off at last", "bob on", "bob off", "bob", "alice"], details);
    }

    [Fact]
    public async Task Concurrent_disables_of_the_last_two_administrators_leave_one_enabled()
    {
        var (_, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        await m.InsertAdminAsync(Admin("bob"), Audit("admin.created", "bob"), None);

        var results = await Task.WhenAll(
            Task.Run(() => m.SetAdminEnabledAsync("alice", false, "stamp-alice-false", Audit("admin.disabled", "alice"), None)),
            Task.Run(() => m.SetAdminEnabledAsync("bob", false, "stamp-bob-false", Audit("admin.disabled", "bob"), None)));

        Assert.Single(results, r => r);
        Assert.Single(await m.ListAdminsAsync(None), a => a.Enabled);
    }

    [Fact]
    public async Task A_new_administrator_password_clears_the_lock()
    {
        var (_, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        Assert.True((await m.RecordAdminLoginFailureAsync("alice", 1, T0.AddMinutes(15), Audit("admin.login-failed", "alice"), Audit("admin.locked", "alice locked"), None))!.LockedNow);

        Assert.True(await m.SetAdminPasswordAsync("alice", "new-hash", "stamp-new", Audit("admin.password", "alice pw"), None));
        Assert.False(await m.SetAdminPasswordAsync("nobody", "x", "stamp-x", Audit("admin.password", "nobody"), None));

        var alice = await m.FindAdminAsync("alice", None);
        Assert.Equal("new-hash", alice!.PasswordHash);
        Assert.Equal("stamp-new", alice.SecurityStamp);
        Assert.Null(alice.LockedUntil);
        Assert.Equal(0, alice.FailedLogins);
    }

    [Fact]
    public async Task Concurrent_failed_logins_each_count_and_the_lock_then_refuses_a_success()
    {
        var (store, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        var until = T0.AddMinutes(15);

        // Twelve wrong passwords at once against a limit of five: each one counts, whatever the interleaving.
        var states = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            m.RecordAdminLoginFailureAsync("alice", 5, until, Audit("admin.login-failed", $"wrong {i}"), Audit("admin.locked", $"locked {i}"), None))));

        Assert.Equal(2, states.Count(s => s!.LockedNow));
        var alice = await m.FindAdminAsync("alice", None);
        Assert.Equal(2, alice!.FailedLogins);
        Assert.Equal(until, alice.LockedUntil);
        Assert.False(await m.RecordAdminLoginSuccessAsync("alice", T0, Audit("admin.login", "right while locked"), None));
        var kinds = (await store.ListAuditAsync(20, None)).Select(e => e.Kind).ToList();
        Assert.Equal(2, kinds.Count(k => k == "admin.locked"));
        Assert.Equal(10, kinds.Count(k => k == "admin.login-failed"));
        Assert.DoesNotContain("admin.login", kinds);
    }

    [Fact]
    public async Task A_success_after_the_lock_expires_clears_the_failure_count()
    {
        var (_, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        await m.RecordAdminLoginFailureAsync("alice", 1, T0.AddMinutes(15), Audit("admin.login-failed", "a"), Audit("admin.locked", "locked"), None);
        await m.RecordAdminLoginFailureAsync("alice", 5, T0.AddMinutes(15), Audit("admin.login-failed", "b"), Audit("admin.locked", "locked"), None);

        Assert.True(await m.RecordAdminLoginSuccessAsync("alice", T0.AddMinutes(15), Audit("admin.login", "right after the lock"), None));
        Assert.False(await m.RecordAdminLoginSuccessAsync("nobody", T0, Audit("admin.login", "nobody"), None));

        var alice = await m.FindAdminAsync("alice", None);
        Assert.Equal(0, alice!.FailedLogins);
        Assert.Null(alice.LockedUntil);
    }

    [Fact]
    public async Task The_security_stamp_is_stored_and_replaced_by_disable_and_logout()
    {
        var (_, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        await m.InsertAdminAsync(Admin("bob"), Audit("admin.created", "bob"), None);
        Assert.Equal("stamp-alice", (await m.FindAdminAsync("alice", None))!.SecurityStamp);

        Assert.True(await m.SetAdminEnabledAsync("alice", false, "stamp-disabled", Audit("admin.disabled", "alice off"), None));
        Assert.Equal("stamp-disabled", (await m.FindAdminAsync("alice", None))!.SecurityStamp);
        Assert.True(await m.SetAdminSecurityStampAsync("bob", "stamp-logout", Audit("admin.logout", "bob out"), None));
        Assert.False(await m.SetAdminSecurityStampAsync("nobody", "stamp-x", Audit("admin.logout", "nobody"), None));
        Assert.Equal(["stamp-disabled", "stamp-logout"], (await m.ListAdminsAsync(None)).Select(a => a.SecurityStamp));

        // Refused: bob is the last enabled administrator, and the refused change keeps his stamp.
        Assert.False(await m.SetAdminEnabledAsync("bob", false, "stamp-refused", Audit("admin.disabled", "bob off"), None));
        Assert.Equal("stamp-logout", (await m.FindAdminAsync("bob", None))!.SecurityStamp);
    }

    [Fact]
    public async Task Api_keys_are_stored_listed_found_and_deleted()
    {
        var (_, m) = await OpenAsync();
        var key = new ApiKeyRecord { Id = "k1", Name = "inventory", Role = AdminRole.RaOfficer, SecretHash = "c2VjcmV0", CreatedAt = T0, CreatedBy = "admin:a", ExpiresAt = T0.AddDays(90) };

        await m.InsertApiKeyAsync(key, Audit("apikey.created", "k1"), None);
        await m.InsertApiKeyAsync(key with { Id = "k2", CreatedAt = T0.AddMinutes(1) }, Audit("apikey.created", "k2"), None);

        Assert.Equal(key, await m.FindApiKeyAsync("k1", None));
        Assert.Equal(["k1", "k2"], (await m.ListApiKeysAsync(None)).Select(k => k.Id));
        Assert.True(await m.DeleteApiKeyAsync("k1", Audit("apikey.deleted", "k1"), None));
        Assert.False(await m.DeleteApiKeyAsync("k1", Audit("apikey.deleted", "k1 again"), None));
        Assert.Null(await m.FindApiKeyAsync("k1", None));
    }

    [Fact]
    public async Task Certificates_are_searched_by_text_label_requester_status_and_dates()
    {
        var (store, m) = await OpenAsync();
        await store.InsertCertificateAsync(Certificate("0A01", "CN=cam-1", "cameras", 0), Audit("certificate.issued", "1"), None);
        await store.InsertCertificateAsync(Certificate("0A02", "CN=cam-2", "cameras", 10), Audit("certificate.issued", "2"), None);
        await store.InsertCertificateAsync(Certificate("0B03", "CN=badge_3", "", 20), Audit("certificate.issued", "3"), None);
        await store.RevokeAsync("0A02", T0.AddMinutes(30), 1, Audit("certificate.revoked", "2"), None);
        async Task<string[]> Serials(CertificateQuery q) => [.. (await m.SearchCertificatesAsync(q, None)).Select(c => c.Serial)];

        Assert.Equal(["0B03", "0A02", "0A01"], await Serials(new CertificateQuery { Now = T0 }));
        Assert.Equal(["0A02", "0A01"], await Serials(new CertificateQuery { Text = "CAM", Now = T0 }));
        Assert.Equal(["0B03"], await Serials(new CertificateQuery { Text = "_", Now = T0 })); // a LIKE wildcard is matched literally
        Assert.Equal(["0A01"], await Serials(new CertificateQuery { Text = "0a01", Now = T0 }));
        Assert.Equal(["0B03"], await Serials(new CertificateQuery { Label = "", Now = T0 }));
        Assert.Equal(["0A02", "0A01"], await Serials(new CertificateQuery { RequestedBy = "FLEET", Label = "cameras", Now = T0 }));
        Assert.Equal(["0A02"], await Serials(new CertificateQuery { Status = "revoked", Now = T0 }));
        Assert.Equal(["0B03", "0A01"], await Serials(new CertificateQuery { Status = "valid", Now = T0 }));
        Assert.Equal(["0A01"], await Serials(new CertificateQuery { Status = "expired", Now = T0.AddDays(30).AddMinutes(5) }));
        Assert.Equal(["0A02", "0A01"], await Serials(new CertificateQuery { ExpiresBefore = T0.AddDays(30).AddMinutes(15), Now = T0 }));
        Assert.Equal(["0B03", "0A02"], await Serials(new CertificateQuery { IssuedSince = T0.AddMinutes(10), Now = T0 }));
        Assert.Equal(["0B03"], await Serials(new CertificateQuery { Limit = 1, Now = T0 }));
        var revoked = (await m.SearchCertificatesAsync(new CertificateQuery { Status = "revoked", Now = T0 }, None))[0];
        Assert.Equal(T0.AddMinutes(30), revoked.RevokedAt);
        Assert.Equal(1, revoked.RevocationReason);
    }

    [Fact]
    public async Task Issuance_is_counted_per_UTC_day_and_per_label()
    {
        var (store, m) = await OpenAsync();
        await store.InsertCertificateAsync(Certificate("01", "CN=a", "cameras", -24 * 60), Audit("certificate.issued", "1"), None);
        await store.InsertCertificateAsync(Certificate("02", "CN=b", "cameras", 0), Audit("certificate.issued", "2"), None);
        await store.InsertCertificateAsync(Certificate("03", "CN=c", "badges", 60), Audit("certificate.issued", "3"), None);

        var week = await m.CountIssuedAsync(T0.AddDays(-7), None);
        Assert.Equal(
            [new IssuedCount(new DateOnly(2026, 2, 28), "cameras", 1), new IssuedCount(new DateOnly(2026, 3, 1), "badges", 1), new IssuedCount(new DateOnly(2026, 3, 1), "cameras", 1)],
            week.OrderBy(c => c.Day).ThenBy(c => c.Label, StringComparer.Ordinal));
        Assert.Equal([new IssuedCount(new DateOnly(2026, 3, 1), "badges", 1), new IssuedCount(new DateOnly(2026, 3, 1), "cameras", 1)], (await m.CountIssuedAsync(T0, None)).OrderBy(c => c.Label, StringComparer.Ordinal));
        Assert.Empty(await m.CountIssuedAsync(T0.AddDays(1), None));
        Assert.Equal(3, await m.CountCertificatesForLabelsAsync(["cameras", "badges"], None));
        Assert.Equal(0, await m.CountCertificatesForLabelsAsync(["nothing"], None));
    }

    [Fact]
    public async Task The_audit_log_is_searched_by_kind_prefix_text_and_time_newest_first()
    {
        var (store, m) = await OpenAsync();
        await store.AppendAuditAsync(Audit("template.created", "cameras 100%", 0), None);
        await store.AppendAuditAsync(Audit("certificate.issued", "serial 01", 1), None);
        await store.AppendAuditAsync(Audit("certificate.revoked", "serial 01 keyCompromise", 2), None);
        await store.AppendAuditAsync(new AuditEvent(T0.AddMinutes(3), "est.refused.authorization", "basic:Intruder", "no"), None);
        async Task<string[]> Kinds(AuditQuery q) => [.. (await m.SearchAuditAsync(q, None)).Select(e => e.Kind)];

        Assert.Equal(["certificate.revoked", "certificate.issued"], await Kinds(new AuditQuery { KindPrefix = "certificate." }));
        Assert.Equal(["certificate.revoked"], await Kinds(new AuditQuery { KindPrefix = "certificate.r" }));
        Assert.Equal(["certificate.issued"], await Kinds(new AuditQuery { KindPrefix = "certificate.issued" }));
        Assert.Equal(["est.refused.authorization"], await Kinds(new AuditQuery { KindPrefix = "EST.Refused", Since = T0.AddMinutes(3) }));
        Assert.Empty(await Kinds(new AuditQuery { KindPrefix = "certificate.issued." }));
        Assert.Equal(["est.refused.authorization"], await Kinds(new AuditQuery { Text = "intruder" }));
        Assert.Equal(["template.created"], await Kinds(new AuditQuery { Text = "0%" }));
        Assert.Empty(await Kinds(new AuditQuery { Text = "1000%" }));
        Assert.Equal(["est.refused.authorization", "certificate.revoked"], await Kinds(new AuditQuery { Since = T0.AddMinutes(2) }));
        Assert.Equal(["est.refused.authorization"], await Kinds(new AuditQuery { Limit = 1 }));
    }

    [Fact]
    public async Task Management_records_survive_closing_and_reopening_the_store()
    {
        var (first, m) = await OpenAsync();
        await m.UpsertTemplateAsync(new StoredDefinition("cameras", "{}", T0, "admin:a"), Audit("template.created", "cameras"), None);
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        await first.DisposeAsync();
        _opened.Remove(first);

        var (_, again) = await OpenAsync();

        Assert.Equal("cameras", Assert.Single(await again.ListTemplatesAsync(None)).Name);
        Assert.NotNull(await again.FindAdminAsync("alice", None));
    }
}

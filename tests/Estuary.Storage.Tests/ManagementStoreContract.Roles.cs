using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>Administrator roles and API keys' role, expiry and last use, in every store.</summary>
public abstract partial class ManagementStoreContract
{
    [Fact]
    public async Task A_role_is_stored_and_changed_with_its_audit_event()
    {
        var (_, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("root"), Audit("admin.created", "root"), None);
        await m.InsertAdminAsync(Admin("ann", AdminRole.Auditor), Audit("admin.created", "ann"), None);

        Assert.Equal(AdminRole.Auditor, (await m.FindAdminAsync("ann", None))!.Role);
        Assert.True(await m.SetAdminRoleAsync("ann", AdminRole.RaOfficer, Audit("admin.role-changed", "ann officer"), None));
        Assert.False(await m.SetAdminRoleAsync("nobody", AdminRole.RaOfficer, Audit("admin.role-changed", "nobody"), None));

        Assert.Equal([AdminRole.RaOfficer, AdminRole.Administrator], (await m.ListAdminsAsync(None)).Select(a => a.Role));
        var audit = await m.SearchAuditAsync(new AuditQuery { KindPrefix = "admin.role-changed", Limit = 10 }, None);
        Assert.Equal(["ann officer"], audit.Select(a => a.Detail));
    }

    [Fact]
    public async Task The_last_enabled_administrator_can_be_neither_demoted_nor_disabled()
    {
        var (_, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("root"), Audit("admin.created", "root"), None);
        await m.InsertAdminAsync(Admin("ann", AdminRole.Auditor), Audit("admin.created", "ann"), None);
        await m.InsertAdminAsync(Admin("otto", AdminRole.RaOfficer), Audit("admin.created", "otto"), None);

        // Other enabled administrators exist, but none with the role administrator.
        Assert.False(await m.SetAdminRoleAsync("root", AdminRole.Auditor, Audit("admin.role-changed", "root demoted"), None));
        Assert.False(await m.SetAdminEnabledAsync("root", false, "stamp-off", Audit("admin.disabled", "root off"), None));
        Assert.True(await m.SetAdminEnabledAsync("ann", false, "stamp-ann-off", Audit("admin.disabled", "ann off"), None));

        // A second administrator makes the first one free to change; then the second is the last.
        Assert.True(await m.SetAdminRoleAsync("otto", AdminRole.Administrator, Audit("admin.role-changed", "otto promoted"), None));
        Assert.True(await m.SetAdminRoleAsync("root", AdminRole.Auditor, Audit("admin.role-changed", "root demoted"), None));
        Assert.False(await m.SetAdminRoleAsync("otto", AdminRole.RaOfficer, Audit("admin.role-changed", "otto demoted"), None));

        // A disabled administrator does not count as the one that remains.
        Assert.True(await m.SetAdminRoleAsync("ann", AdminRole.Administrator, Audit("admin.role-changed", "ann promoted while disabled"), None));
        Assert.False(await m.SetAdminEnabledAsync("otto", false, "stamp-otto-off", Audit("admin.disabled", "otto off"), None));

        var admins = (await m.ListAdminsAsync(None)).ToDictionary(a => a.Username);
        Assert.Equal((AdminRole.Administrator, true), (admins["otto"].Role, admins["otto"].Enabled));
        Assert.Equal(AdminRole.Auditor, admins["root"].Role);
        var refused = await m.SearchAuditAsync(new AuditQuery { Text = "otto demoted", Limit = 10 }, None);
        Assert.Empty(refused); // a refused change records nothing
    }

    [Fact]
    public async Task Concurrent_demotions_of_the_last_two_administrators_leave_one()
    {
        var (_, m) = await OpenAsync();
        await m.InsertAdminAsync(Admin("alice"), Audit("admin.created", "alice"), None);
        await m.InsertAdminAsync(Admin("bob"), Audit("admin.created", "bob"), None);

        var results = await Task.WhenAll(
            Task.Run(() => m.SetAdminRoleAsync("alice", AdminRole.Auditor, Audit("admin.role-changed", "alice"), None)),
            Task.Run(() => m.SetAdminRoleAsync("bob", AdminRole.Auditor, Audit("admin.role-changed", "bob"), None)));

        Assert.Single(results, r => r);
        Assert.Single(await m.ListAdminsAsync(None), a => a.Role == AdminRole.Administrator);
    }

    [Fact]
    public async Task An_api_key_keeps_its_role_and_expiry_and_records_its_last_use_at_most_once_per_interval()
    {
        var (_, m) = await OpenAsync();
        var key = new ApiKeyRecord { Id = "k1", Name = "ci", Role = AdminRole.Auditor, SecretHash = "aGFzaA==", CreatedAt = T0, CreatedBy = "admin:root", ExpiresAt = T0.AddDays(30) };
        await m.InsertApiKeyAsync(key, Audit("apikey.created", "k1"), None);
        Assert.Equal(key, await m.FindApiKeyAsync("k1", None));

        await m.RecordApiKeyUseAsync("k1", T0.AddMinutes(5), T0.AddMinutes(4), None);
        Assert.Equal(T0.AddMinutes(5), (await m.FindApiKeyAsync("k1", None))!.LastUsedAt);

        // Used again 30 s later: the recorded use (5:00) is not before the stale limit (4:30), so nothing is written.
        await m.RecordApiKeyUseAsync("k1", T0.AddMinutes(5.5), T0.AddMinutes(4.5), None);
        Assert.Equal(T0.AddMinutes(5), (await m.FindApiKeyAsync("k1", None))!.LastUsedAt);

        await m.RecordApiKeyUseAsync("k1", T0.AddMinutes(7), T0.AddMinutes(6), None);
        Assert.Equal(T0.AddMinutes(7), (await m.FindApiKeyAsync("k1", None))!.LastUsedAt);
        await m.RecordApiKeyUseAsync("nobody", T0.AddMinutes(7), T0.AddMinutes(6), None); // an unknown key changes nothing, and is no error
        Assert.Empty(await m.SearchAuditAsync(new AuditQuery { Text = "k1", KindPrefix = "apikey.used", Limit = 10 }, None));
    }
}

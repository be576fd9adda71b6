using System.Reflection;
using Estuary.Ra;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>Log event ids come from one registry (<see cref="EstuaryEventId"/>), and no two log events share one.</summary>
public sealed class EventIdRegistryTests
{
    [Fact]
    public void Every_log_event_has_an_id_of_its_own_from_the_registry()
    {
        var assemblies = new[] { typeof(RegistrationAuthority).Assembly, typeof(Admin.AdminOptions).Assembly, typeof(EstuaryServer).Assembly };
        var events = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m.DeclaringType!.FullName + "." + m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();
        Assert.True(events.Count >= 25, $"found only {events.Count} log events");

        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));

        var registered = typeof(EstuaryEventId).GetFields().Select(f => (int)f.GetRawConstantValue()!).ToHashSet();
        var unregistered = events.Where(e => !registered.Contains(e.Attribute!.EventId)).Select(e => $"{e.Method} ({e.Attribute!.EventId})").ToList();
        Assert.True(unregistered.Count == 0, "event ids not in EstuaryEventId: " + string.Join(", ", unregistered));
        Assert.Equal(registered.Count, typeof(EstuaryEventId).GetFields().Length);
    }
}

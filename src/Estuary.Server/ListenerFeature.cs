namespace Estuary.Server;

/// <summary>
/// Set on every connection by the listener that accepted it (<see cref="EstuaryListeners"/>); Kestrel shows
/// connection features to each request on that connection, so the route guard needs no port numbers.
/// </summary>
internal sealed record ListenerFeature(EstuaryListener Listener);

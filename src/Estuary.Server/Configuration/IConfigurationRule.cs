namespace Estuary.Server.Configuration;

/// <summary>One concern of the configuration check; adds a problem per mistake and never throws for one.</summary>
internal interface IConfigurationRule
{
    ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken);
}

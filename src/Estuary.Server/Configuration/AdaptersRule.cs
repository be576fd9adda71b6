using Estuary.Ra;
using Microsoft.Extensions.Configuration;

namespace Estuary.Server.Configuration;

/// <summary>Upstream EST adapters declared in configuration (Estuary:Adapters:NAME), checked by the console's own validator.</summary>
internal sealed class AdaptersRule : IConfigurationRule
{
    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        foreach (var section in context.Configuration.GetSection("Estuary:Adapters").GetChildren())
        {
            if (context.Bind<AdapterDefinition>(section.Path) is not { } definition)
            {
                continue;
            }

            definition.Name = section.Key;
            definition.ProtectedPassword = null;
            foreach (var problem in AdapterValidator.Validate(definition, definition.HasPassword))
            {
                context.Add(section.Path, null, problem);
            }
        }

        return ValueTask.CompletedTask;
    }
}

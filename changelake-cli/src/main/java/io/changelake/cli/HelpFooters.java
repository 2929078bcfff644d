package io.changelake.cli;

import io.changelake.core.config.ConfigDef;
import io.changelake.core.spi.SinkProvider;
import io.changelake.core.spi.SourceProvider;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Appends the option references of every source and format (from their ConfigDefs) to the sync commands' help. */
final class HelpFooters {
  private HelpFooters() { }

  static void install(CommandLine root) {
    for (CommandLine sub : root.getSubcommands().values()) {
      if (sub.getCommand() instanceof SyncCommand) {
        List<String> footer = new ArrayList<>(List.of(sub.getCommandSpec().usageMessage().footer()));
        footer.add("");
        for (SourceProvider source : Providers.sources()) {
          footer.add(section("Source options for " + source.id() + " (--source-conf / --" + source.id() + "_conf key=value):",
              source.configDef()));
        }
        for (SinkProvider sink : Providers.sinks()) {
          footer.add(section("Catalog options for " + sink.format() + " (--catalog-conf key=value):", sink.catalogConfigDef()));
        }
        sub.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
      }
    }
  }

  private static String section(String title, ConfigDef def) {
    return title + "%n" + def.help().replace("%", "%%");
  }
}

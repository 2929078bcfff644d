package io.changelake.cli;

import io.changelake.api.config.ConfigDef;
import io.changelake.api.spi.SinkProvider;
import io.changelake.api.spi.SourceProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Appends the option references of every source and format (from their ConfigDefs) to the sync commands' help. */
final class HelpFooters {
  /** How any option's value can stay off the command line (picocli prints $$ as $). */
  private static final String VALUES = "Any option value (source or catalog) may be @FILE: the file's content, one"
      + " trailing newline removed (@@ starts a value with a literal @); and $${env:NAME} in a value is the"
      + " environment variable NAME (quote it for the shell: 'password=$${env:PGPASSWORD}').%n";

  private HelpFooters() { }

  static void install(CommandLine root) {
    for (CommandLine sub : root.getSubcommands().values()) {
      if (sub.getCommand() instanceof SyncCommand) {
        List<String> footer = new ArrayList<>();
        for (String line : sub.getCommandSpec().usageMessage().footer()) {
          footer.add(line.replace("${", "$${")); // read back interpolated: keep an example's ${env:NAME} literal
        }
        footer.add("");
        // sources that share their options (mysql, mariadb) are listed once, under their component's name
        Map<ConfigDef, List<String>> sources = new LinkedHashMap<>();
        for (SourceProvider source : Providers.sources()) {
          sources.computeIfAbsent(source.configDef(), def -> new ArrayList<>()).add(source.id());
        }
        sources.forEach((def, ids) -> footer.add(section("Source options for " + String.join(", ", ids)
            + " (--source-conf / --" + def.component() + "_conf key=value):", def)));
        footer.add(VALUES);
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

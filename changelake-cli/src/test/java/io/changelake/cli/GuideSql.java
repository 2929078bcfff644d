package io.changelake.cli;

import io.changelake.query.SqlScript;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The statements of an SQL test resource by the guide's section names, given in {@code -- ## section} lines. */
final class GuideSql {
  private static final String SECTION = "-- ## ";

  private GuideSql() { }

  static Map<String, List<String>> load(String resource) {
    try (InputStream in = GuideSql.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      Map<String, List<String>> sections = new LinkedHashMap<>();
      String name = null;
      StringBuilder text = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.startsWith(SECTION)) {
          if (name != null) {
            sections.put(name, SqlScript.split(text.toString()));
          }
          name = line.substring(SECTION.length());
          text.setLength(0);
        } else if (name != null) {
          text.append(line).append('\n');
        }
      }
      sections.put(name, SqlScript.split(text.toString()));
      return sections;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The statement without the comment lines before it. */
  static String code(String statement) {
    return statement.replaceAll("(?m)^\\s*--.*\\n", "").trim();
  }
}

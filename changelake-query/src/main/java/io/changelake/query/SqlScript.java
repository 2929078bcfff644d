package io.changelake.query;

import java.util.ArrayList;
import java.util.List;

/** Splits SQL text into statements at semicolons outside quotes and comments. */
public final class SqlScript {
  private SqlScript() { }

  /** The statements of {@code script}, trimmed; empty statements and comment-only ones are dropped. */
  public static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean code = false;
    int i = 0;
    while (i < script.length()) {
      char c = script.charAt(i);
      if (c == '-' && script.startsWith("--", i)) {
        int end = script.indexOf('\n', i);
        end = end < 0 ? script.length() : end;
        current.append(script, i, end);
        i = end;
      } else if (c == '/' && script.startsWith("/*", i) && !script.startsWith("/*+", i)) {
        int end = script.indexOf("*/", i + 2);
        end = end < 0 ? script.length() : end + 2;
        current.append(script, i, end);
        i = end;
      } else if (c == '\'' || c == '"' || c == '`') {
        int end = closing(script, i, c);
        current.append(script, i, end);
        code = true;
        i = end;
      } else if (c == ';') {
        add(statements, current, code);
        current.setLength(0);
        code = false;
        i++;
      } else {
        current.append(c);
        code |= !Character.isWhitespace(c);
        i++;
      }
    }
    add(statements, current, code);
    return statements;
  }

  /** The index after the quote that closes the one at {@code start}; a doubled quote is part of the text. */
  private static int closing(String script, int start, char quote) {
    int i = start + 1;
    while (i < script.length()) {
      if (script.charAt(i) == quote) {
        if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return script.length();
  }

  private static void add(List<String> statements, StringBuilder statement, boolean code) {
    if (code) {
      statements.add(statement.toString().trim());
    }
  }
}

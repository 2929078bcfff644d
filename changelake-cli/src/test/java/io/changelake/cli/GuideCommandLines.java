package io.changelake.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The Flink CDC → Paimon guide's command lines, from the test resource that copies them verbatim
 * ({@value #RESOURCE}), split into words as a shell passes them to the program: comments dropped,
 * lines continued by a backslash joined, single quotes removed ({@code 'a ''b'' c'} is {@code a b c}),
 * and {@code $NAME} replaced by the variables given. (The guide has no double quotes or other escapes.)
 */
final class GuideCommandLines {
  static final String RESOURCE = "guide/flink-cdc-paimon-guide.commands";
  private static final String COMMAND = "command: ";
  private static final String FLAGS = "flags: ";

  private final Map<String, String> sections;

  private GuideCommandLines(Map<String, String> sections) {
    this.sections = sections;
  }

  static GuideCommandLines load() {
    try (InputStream in = GuideCommandLines.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      Map<String, String> sections = new LinkedHashMap<>();
      String name = null;
      StringBuilder text = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
        if (line.startsWith("## ")) {
          if (name != null) {
            sections.put(name, text.toString());
          }
          name = line.substring(3);
          text.setLength(0);
        } else if (name != null) {
          text.append(line).append('\n');
        }
      }
      sections.put(name, text.toString());
      return new GuideCommandLines(sections);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sections holding a whole command line, by the guide's section names. */
  List<String> commandSections() {
    return sections.keySet().stream().filter(s -> s.startsWith(COMMAND)).map(s -> s.substring(COMMAND.length()))
        .toList();
  }

  /** The sections holding flags to add to a command line, by the guide's section names. */
  List<String> flagSections() {
    return sections.keySet().stream().filter(s -> s.startsWith(FLAGS)).map(s -> s.substring(FLAGS.length())).toList();
  }

  /**
   * The words of the command line in {@code section} after the Flink launcher and the action jar
   * (the action's name first), each passed through {@code word} after variables are replaced.
   */
  List<String> command(String section, Map<String, String> variables, UnaryOperator<String> word) {
    List<String> words = words(text(COMMAND + section), variables);
    int jar = 0;
    while (!words.get(jar).endsWith(".jar")) {
      jar++;
    }
    if (!words.subList(0, jar).equals(List.of(variables.get("FLINK_HOME") + "/bin/flink", "run"))) {
      throw new IllegalStateException(section + " is not a flink run command line: " + words);
    }
    return words.subList(jar + 1, words.size()).stream().map(word).toList();
  }

  /** The flags of {@code section}. */
  List<String> flags(String section) {
    return words(text(FLAGS + section), Map.of());
  }

  private String text(String section) {
    String text = sections.get(section);
    if (text == null) {
      throw new IllegalArgumentException("no section '" + section + "' in " + RESOURCE + ": " + sections.keySet());
    }
    return text;
  }

  /** Shell words of {@code text}: comments, line continuations and quotes removed, variables replaced. */
  static List<String> words(String text, Map<String, String> variables) {
    StringBuilder joined = new StringBuilder();
    for (String line : text.split("\n")) {
      String code = withoutComment(line).stripTrailing();
      joined.append(code.endsWith("\\") ? code.substring(0, code.length() - 1) : code).append(' ');
    }
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    String s = joined.toString();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      word = word == null ? new StringBuilder() : word;
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        word.append(s, i + 1, end);
        i = end;
      } else if (c == '"' || c == '\\') {
        throw new IllegalStateException("the guide's command lines have no double quotes or escapes; read them: " + s);
      } else if (c == '$') {
        int end = i + 1;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
          end++;
        }
        word.append(variable(s.substring(i + 1, end), variables));
        i = end - 1;
      } else {
        word.append(c);
      }
    }
    return words;
  }

  /** {@code line} without a {@code #} comment: a # starting a word outside quotes, to the end of the line. */
  private static String withoutComment(String line) {
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static String variable(String name, Map<String, String> variables) {
    String value = variables.get(name);
    if (value == null) {
      throw new IllegalArgumentException("the guide's command line uses $" + name + ", which the test does not set");
    }
    return value;
  }
}

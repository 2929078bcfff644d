package io.changelake.cli;

import java.io.Console;

/** Asks a person on the terminal before a command changes something that cannot be undone. */
final class Confirmation {
  private Confirmation() { }

  /**
   * Asks {@code question} on the terminal; true when the answer is {@code yes}.
   *
   * @param command what the command does, for the refusal without a terminal ("destroy drops what ...")
   * @throws IllegalArgumentException when stdin is not a terminal: the caller needs --yes
   */
  static boolean ask(String question, String command) {
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException(command + " and asks first, but stdin is not a terminal. Add --yes to go"
          + " ahead without asking.");
    }
    String answer = console.readLine(question + " Type 'yes' to go ahead: ");
    return answer != null && answer.strip().equalsIgnoreCase("yes");
  }
}

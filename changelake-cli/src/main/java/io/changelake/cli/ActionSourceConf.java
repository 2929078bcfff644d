package io.changelake.cli;

import java.util.Map;

/**
 * The source flags of one family of Paimon actions ({@code --postgres_conf}, {@code --mysql_conf}, ...),
 * taken verbatim as the source's options.
 */
interface ActionSourceConf {

  /** The source the actions capture, as {@code --source} names it. */
  String source();

  /** The repeatable flag, e.g. {@code --mysql_conf}, for messages. */
  String flag();

  /** The options: the conf file's entries, overridden by the flags. */
  Map<String, String> options();
}

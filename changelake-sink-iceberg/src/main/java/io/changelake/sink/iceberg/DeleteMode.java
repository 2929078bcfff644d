package io.changelake.sink.iceberg;

import java.util.Locale;

/** How upserts and deletes remove a key's earlier row (see {@link IcebergSinkConfig#DELETE_MODE}). */
enum DeleteMode {
  /** Position deletes found through a {@link KeyIndex}: readers apply them per data file. */
  POSITION,
  /** Equality deletes on the key: nothing kept by the writer, but readers join them against older files. */
  EQUALITY;

  static DeleteMode parse(String text) {
    return valueOf(text.trim().toUpperCase(Locale.ROOT));
  }
}

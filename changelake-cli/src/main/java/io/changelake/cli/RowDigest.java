package io.changelake.cli;

import io.changelake.api.model.Row;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The text and hash by which {@code verify} compares a row's values, alike for the source's and every format's rows:
 * the value classes of {@link io.changelake.api.model.DataType}, with a decimal's trailing zeros and a timestamp's
 * offset left out (equal values, equal text), bytes in hex ({@link RowPrinter#text}).
 */
final class RowDigest {
  private static final char SEPARATOR = '\u0001';
  private static final String NULL = "\u0000";

  private RowDigest() { }

  /** The values of {@code row} at {@code positions}, as one text. */
  static String text(Row row, int[] positions) {
    StringBuilder text = new StringBuilder();
    for (int position : positions) {
      text.append(text(row.get(position))).append(SEPARATOR);
    }
    return text.toString();
  }

  /** {@code values} (e.g. a key's) as one text, equal to {@link #text} of a row holding them. */
  static String keyText(List<Object> values) {
    StringBuilder text = new StringBuilder();
    for (Object value : values) {
      text.append(text(value)).append(SEPARATOR);
    }
    return text.toString();
  }

  /** A value's text as {@code verify} shows it. */
  static String shown(Object value) {
    return value == null ? "NULL" : text(value);
  }

  /** The 64-bit FNV-1a hash of {@code text}. */
  static long hash(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return hash;
  }

  /** One value's text; equal values of any side have equal texts. */
  static String text(Object value) {
    if (value == null) {
      return NULL;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
    }
    if (value instanceof OffsetDateTime time) {
      return time.toInstant().toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(RowDigest::shown).toList().toString();
    }
    return RowPrinter.text(value);
  }
}

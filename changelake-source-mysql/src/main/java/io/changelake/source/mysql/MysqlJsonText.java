package io.changelake.source.mysql;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonStringFormatter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * MySQL's binary JSON (a JSON column's value in the binlog) as the JSON text MySQL itself prints for it, so
 * that a value read from the binlog equals the same value read by a query: temporal values with six
 * fractional digits ({@code "2012-03-18 11:30:45.000000"}, {@code "87:31:46.654321"}) and other opaque values
 * as {@code "base64:type<n>:<bytes>"} (the binlog client prints neither so).
 */
final class MysqlJsonText extends JsonStringFormatter {

  /** The text of a binary JSON value. */
  static String of(byte[] binary) {
    MysqlJsonText text = new MysqlJsonText();
    try {
      JsonBinary.parse(binary, text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot decode a binary JSON value", e);
    }
    return text.getString();
  }

  @Override
  public void valueDatetime(int year, int month, int day, int hour, int min, int sec, int microSeconds) {
    value(String.format("%04d-%02d-%02d %02d:%02d:%02d.%06d", year, month, day, hour, min, sec, microSeconds));
  }

  @Override
  public void valueTime(int hour, int min, int sec, int microSeconds) {
    value(String.format("%s%02d:%02d:%02d.%06d", hour < 0 ? "-" : "", Math.abs(hour), min, sec, microSeconds));
  }

  @Override
  public void valueOpaque(ColumnType type, byte[] value) {
    value("base64:type" + type.getCode() + ":" + Base64.getEncoder().encodeToString(value));
  }
}

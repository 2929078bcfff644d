package io.changelake.source.postgres;

import static io.changelake.source.postgres.BinaryCopyValues.int16;
import static io.changelake.source.postgres.BinaryCopyValues.int32;
import static io.changelake.source.postgres.BinaryCopyValues.int64;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decoders of the binary ({@code send}) form of types whose lake value is a STRING, each giving the text
 * the Debezium path gives for the same value: PostgreSQL's own text form for network addresses, bit
 * strings, ranges, text search vectors and queries, LSNs; ISO 8601 for intervals (Debezium's {@code
 * interval.handling.mode=string}) and UTC {@code timetz}; a plain decimal for money (2 fraction digits,
 * Debezium's default); pgjdbc's form for the geometric types ({@code (1.5,-2.0)}); a JSON object for
 * hstore, keys in the order Debezium writes them.
 */
final class BinaryTextValues {
  private static final int AF_INET = 2;
  private static final long MICROS_PER_HOUR = 3_600_000_000L;
  private static final long MICROS_PER_MINUTE = 60_000_000L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final int RANGE_EMPTY = 0x01;
  private static final int RANGE_LB_INC = 0x02;
  private static final int RANGE_UB_INC = 0x04;
  private static final int RANGE_LB_INF = 0x08;
  private static final int RANGE_UB_INF = 0x10;
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private BinaryTextValues() { }

  /** The decoder of base type {@code name} whose value is text, or null when there is none. */
  static BinaryCopyValues.Decoder decoder(String name) {
    return switch (name) {
      case "xml", "citext", "name" -> BinaryTextValues::utf8;
      case "char" -> (b, o, n) -> n == 0 ? "" : new String(b, o, n, StandardCharsets.UTF_8);
      case "interval" -> BinaryTextValues::interval;
      case "money" -> (b, o, n) -> BigDecimal.valueOf(int64(b, o), 2).toPlainString();
      case "inet", "cidr" -> BinaryTextValues::inet;
      case "macaddr", "macaddr8" -> BinaryTextValues::macaddr;
      case "bit", "varbit" -> BinaryTextValues::bits;
      case "timetz" -> BinaryTextValues::timetz;
      case "tsvector" -> BinaryTextValues::tsvector;
      case "tsquery" -> TsQueryText::decode;
      case "ltree", "lquery", "ltxtquery", "jsonpath" -> (b, o, n) -> utf8(b, o + 1, n - 1); // a version byte first
      case "xid", "cid" -> (b, o, n) -> Integer.toUnsignedString(int32(b, o));
      case "xid8" -> (b, o, n) -> Long.toUnsignedString(int64(b, o));
      case "pg_lsn" -> (b, o, n) -> Integer.toHexString(int32(b, o)).toUpperCase(Locale.ROOT) + "/"
          + Integer.toHexString(int32(b, o + 4)).toUpperCase(Locale.ROOT);
      case "hstore" -> BinaryTextValues::hstore;
      case "point" -> (b, o, n) -> point(b, o);
      case "line" -> (b, o, n) -> "{" + float8(b, o) + "," + float8(b, o + 8) + "," + float8(b, o + 16) + "}";
      case "lseg" -> (b, o, n) -> "[" + point(b, o) + "," + point(b, o + 16) + "]";
      case "box" -> (b, o, n) -> point(b, o) + "," + point(b, o + 16);
      case "path" -> (b, o, n) -> b[o] != 0 ? "(" + points(b, o + 1) + ")" : "[" + points(b, o + 1) + "]";
      case "polygon" -> (b, o, n) -> "(" + points(b, o) + ")";
      case "circle" -> (b, o, n) -> "<" + point(b, o) + "," + float8(b, o + 16) + ">";
      default -> null;
    };
  }

  static String utf8(byte[] b, int o, int n) {
    return new String(b, o, n, StandardCharsets.UTF_8);
  }

  /** {@code P1Y2M3DT4H5M6.789S}: every field, each with the sign PostgreSQL's text form gives it. */
  private static String interval(byte[] b, int o, int n) {
    long time = int64(b, o);
    int days = int32(b, o + 8);
    int months = int32(b, o + 12);
    long minutes = time % MICROS_PER_HOUR / MICROS_PER_MINUTE;
    BigDecimal seconds = BigDecimal.valueOf(time % MICROS_PER_MINUTE, 6).stripTrailingZeros();
    return "P" + months / 12 + "Y" + months % 12 + "M" + days + "DT" + time / MICROS_PER_HOUR + "H" + minutes + "M"
        + seconds.toPlainString() + "S";
  }

  /** As PostgreSQL writes inet and cidr: the prefix length unless an inet covers a single address. */
  private static String inet(byte[] b, int o, int n) {
    int bits = b[o + 1] & 0xFF;
    boolean cidr = b[o + 2] != 0;
    StringBuilder s = new StringBuilder();
    int max;
    if (b[o] == AF_INET) {
      max = 32;
      for (int i = 0; i < 4; i++) {
        s.append(i == 0 ? "" : ".").append(b[o + 4 + i] & 0xFF);
      }
    } else {
      max = 128;
      ipv6(b, o + 4, s);
    }
    return bits != max || cidr ? s.append('/').append(bits).toString() : s.toString();
  }

  /** PostgreSQL's {@code inet_net_ntop_ipv6}: the longest run of two or more zero words as {@code ::}. */
  private static void ipv6(byte[] b, int o, StringBuilder s) {
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = int16(b, o + 2 * i) & 0xFFFF;
    }
    int bestBase = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && words[i] == 0) {
        i++;
      }
      if (i - start > bestLen) {
        bestBase = start;
        bestLen = i - start;
      }
    }
    if (bestLen < 2) {
      bestBase = -1;
    }
    for (int i = 0; i < 8; i++) {
      if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
        if (i == bestBase) {
          s.append(':');
        }
        continue;
      }
      if (i != 0) {
        s.append(':');
      }
      if (i == 6 && bestBase == 0
          && (bestLen == 6 || bestLen == 7 && words[7] != 1 || bestLen == 5 && words[5] == 0xFFFF)) {
        s.append(b[o + 12] & 0xFF).append('.').append(b[o + 13] & 0xFF).append('.').append(b[o + 14] & 0xFF)
            .append('.').append(b[o + 15] & 0xFF);
        return;
      }
      s.append(Integer.toHexString(words[i]));
    }
    if (bestBase >= 0 && bestBase + bestLen == 8) {
      s.append(':');
    }
  }

  private static String macaddr(byte[] b, int o, int n) {
    StringBuilder s = new StringBuilder(3 * n);
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : ":").append(Character.forDigit((b[o + i] >> 4) & 0xF, 16))
          .append(Character.forDigit(b[o + i] & 0xF, 16));
    }
    return s.toString();
  }

  /** A bit string as its 0s and 1s; the send form is the length in bits, then the bits from the highest. */
  private static String bits(byte[] b, int o, int n) {
    int length = int32(b, o);
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (b[o + 4 + (i >> 3)] & (0x80 >> (i & 7))) != 0 ? '1' : '0';
    }
    return new String(chars);
  }

  /** The time in UTC, ISO 8601 ({@code 10:34:56.789Z}); the send form's zone is in seconds west of UTC. */
  private static String timetz(byte[] b, int o, int n) {
    long utc = Math.floorMod(int64(b, o) + int32(b, o + 8) * 1_000_000L, MICROS_PER_DAY);
    return LocalTime.ofNanoOfDay(utc * 1000).atOffset(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_TIME);
  }

  /** {@code 'a':1A 'cat':5}: quoted lexemes, then their positions with weights A to C (D is not written). */
  private static String tsvector(byte[] b, int o, int n) {
    int count = int32(b, o);
    int p = o + 4;
    StringBuilder s = new StringBuilder(n + 2 * count);
    for (int i = 0; i < count; i++) {
      int end = p;
      while (b[end] != 0) {
        end++;
      }
      s.append(i == 0 ? "'" : " '").append(utf8(b, p, end - p).replace("\\", "\\\\").replace("'", "''")).append('\'');
      p = end + 1;
      int positions = int16(b, p) & 0xFFFF;
      p += 2;
      for (int k = 0; k < positions; k++, p += 2) {
        int word = int16(b, p) & 0xFFFF;
        s.append(k == 0 ? ':' : ',').append(word & 0x3FFF);
        int weight = word >> 14;
        if (weight > 0) {
          s.append((char) ('D' - weight));
        }
      }
    }
    return s.toString();
  }

  /**
   * A JSON object of the pairs, as Debezium's {@code hstore.handling.mode=json} writes it: keys in the
   * iteration order of a {@link HashMap} filled in the server's order (which is what pgjdbc parses into).
   */
  private static String hstore(byte[] b, int o, int n) {
    int count = int32(b, o);
    int p = o + 4;
    Map<String, String> pairs = new HashMap<>();
    for (int i = 0; i < count; i++) {
      int keyLength = int32(b, p);
      String key = utf8(b, p + 4, keyLength);
      p += 4 + keyLength;
      int valueLength = int32(b, p);
      p += 4;
      pairs.put(key, valueLength < 0 ? null : utf8(b, p, valueLength));
      p += Math.max(0, valueLength);
    }
    StringBuilder s = new StringBuilder(n + 8).append('{');
    pairs.forEach((key, value) -> {
      if (s.length() > 1) {
        s.append(',');
      }
      json(key, s);
      s.append(':');
      if (value == null) {
        s.append("null");
      } else {
        json(value, s);
      }
    });
    return s.append('}').toString();
  }

  /** A JSON string as Jackson writes it: quote, backslash and control characters escaped, nothing else. */
  private static void json(String text, StringBuilder s) {
    s.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        case '\b' -> s.append("\\b");
        case '\f' -> s.append("\\f");
        default -> {
          if (c < 0x20) {
            s.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }

  private static double float8(byte[] b, int o) {
    return Double.longBitsToDouble(int64(b, o));
  }

  private static String point(byte[] b, int o) {
    return "(" + float8(b, o) + "," + float8(b, o + 8) + ")";
  }

  private static String points(byte[] b, int o) {
    int count = int32(b, o);
    StringBuilder s = new StringBuilder(24 * count);
    for (int i = 0; i < count; i++) {
      s.append(i == 0 ? "" : ",").append(point(b, o + 4 + 16 * i));
    }
    return s.toString();
  }

  /**
   * A range as PostgreSQL writes it ({@code [1,10)}, {@code empty}, {@code (,5]}), each bound in the text
   * form {@code bound} gives, quoted when PostgreSQL quotes it.
   */
  static BinaryCopyValues.Decoder range(BinaryCopyValues.Decoder bound) {
    return (b, o, n) -> range(b, o, bound, new StringBuilder()).toString();
  }

  /** A multirange as PostgreSQL writes it: {@code {[1,3),[5,7)}}. */
  static BinaryCopyValues.Decoder multirange(BinaryCopyValues.Decoder bound) {
    return (b, o, n) -> {
      int count = int32(b, o);
      StringBuilder s = new StringBuilder().append('{');
      int p = o + 4;
      for (int i = 0; i < count; i++) {
        int length = int32(b, p);
        range(b, p + 4, bound, i == 0 ? s : s.append(','));
        p += 4 + length;
      }
      return s.append('}').toString();
    };
  }

  private static StringBuilder range(byte[] b, int o, BinaryCopyValues.Decoder bound, StringBuilder s) {
    int flags = b[o];
    if ((flags & RANGE_EMPTY) != 0) {
      return s.append("empty");
    }
    int p = o + 1;
    s.append((flags & RANGE_LB_INC) != 0 ? '[' : '(');
    if ((flags & RANGE_LB_INF) == 0) {
      int length = int32(b, p);
      quoteBound(String.valueOf(bound.decode(b, p + 4, length)), s);
      p += 4 + length;
    }
    s.append(',');
    if ((flags & RANGE_UB_INF) == 0) {
      quoteBound(String.valueOf(bound.decode(b, p + 4, int32(b, p))), s);
    }
    return s.append((flags & RANGE_UB_INC) != 0 ? ']' : ')');
  }

  /** PostgreSQL's {@code range_bound_escape}: quoted when empty or holding quotes, brackets, commas or spaces. */
  private static void quoteBound(String text, StringBuilder s) {
    boolean quote = text.isEmpty();
    for (int i = 0; i < text.length() && !quote; i++) {
      char c = text.charAt(i);
      quote = c == '"' || c == '\\' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || Character.isWhitespace(c);
    }
    if (!quote) {
      s.append(text);
      return;
    }
    s.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      s.append(c == '"' || c == '\\' ? "" + c + c : String.valueOf(c));
    }
    s.append('"');
  }
}

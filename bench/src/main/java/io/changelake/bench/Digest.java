package io.changelake.bench;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The order-independent digest of {@code orders} that {@code checksum.sql} computes in PostgreSQL,
 * computed here from rows read with a lake format's reader. Two tables with equal digests hold the
 * same multiset of rows up to a collision of sums; the fields are listed in {@code checksum.sql}, then,
 * for the typed variant, in {@code checksum-typed.sql}.
 */
final class Digest {
  private final boolean typed;
  private long count;
  private long sumId;
  private long sumCustomer;
  private long sumQuantity;
  private long sumPriceCents;
  private long sumIdQuantity;
  private long countPaid;
  private long sumDays;
  private long sumNoteHash;
  private long sumTrackingHash;
  private Long maxUpdatedMicros;
  private long sumStatusHash;
  private BigInteger sumCreatedMicros = BigInteger.ZERO;
  private BigInteger sumShippedMicros = BigInteger.ZERO;
  private long sumWeightTenths;
  private long sumScoreThousandths;
  private long sumMoodHash;
  private long sumTags;
  private long countTags;

  /** @param typed whether the table is the typed variant's (its fields are appended) */
  Digest(boolean typed) {
    this.typed = typed;
  }

  void add(OrderRow row) {
    count++;
    sumId = Math.addExact(sumId, row.id());
    if (row.customerId() != null) {
      sumCustomer = Math.addExact(sumCustomer, row.customerId());
    }
    if (row.quantity() != null) {
      sumQuantity = Math.addExact(sumQuantity, row.quantity());
      sumIdQuantity = Math.addExact(sumIdQuantity, Math.multiplyExact(row.id(), (long) row.quantity()));
    }
    if (row.price() != null) {
      sumPriceCents = Math.addExact(sumPriceCents, rounded(row.price().movePointRight(2)));
    }
    if (Boolean.TRUE.equals(row.paid())) {
      countPaid++;
    }
    if (row.orderDate() != null) {
      sumDays = Math.addExact(sumDays, row.orderDate().toEpochDay());
    }
    if (row.note() != null) {
      sumNoteHash = Math.addExact(sumNoteHash, md5Prefix(row.note()));
    }
    if (row.tracking() != null) {
      sumTrackingHash = Math.addExact(sumTrackingHash,
          Long.parseLong(row.tracking().replace("-", "").substring(0, 8), 16));
    }
    if (row.updatedAt() != null) {
      long micros = micros(row.updatedAt());
      maxUpdatedMicros = maxUpdatedMicros == null ? micros : Math.max(maxUpdatedMicros, micros);
    }
    if (row.status() != null) {
      sumStatusHash = Math.addExact(sumStatusHash, md5Prefix(row.status()));
    }
    if (row.createdAt() != null) {
      sumCreatedMicros = sumCreatedMicros.add(BigInteger.valueOf(micros(row.createdAt())));
    }
    if (row.shippedAt() != null) {
      sumShippedMicros = sumShippedMicros.add(BigInteger.valueOf(micros(row.shippedAt())));
    }
    if (row.weight() != null) {
      sumWeightTenths = Math.addExact(sumWeightTenths, rounded(new BigDecimal(Float.toString(row.weight()))
          .movePointRight(1)));
    }
    if (row.score() != null) {
      sumScoreThousandths = Math.addExact(sumScoreThousandths, rounded(BigDecimal.valueOf(row.score())
          .movePointRight(3)));
    }
    if (row.mood() != null) {
      sumMoodHash = Math.addExact(sumMoodHash, md5Prefix(row.mood()));
    }
    if (row.tags() != null) {
      countTags += row.tags().size();
      row.tags().stream().filter(java.util.Objects::nonNull).forEach(t -> sumTags = Math.addExact(sumTags, t));
    }
  }

  /** The digest text, in the format of {@code checksum.sql}. */
  String value() {
    return count + "|" + sumId + "|" + sumCustomer + "|" + sumQuantity + "|" + sumPriceCents + "|" + sumIdQuantity
        + "|" + countPaid + "|" + sumDays + "|" + sumNoteHash + "|" + sumTrackingHash + "|"
        + (maxUpdatedMicros == null ? "" : maxUpdatedMicros) + "|" + sumStatusHash + "|" + sumCreatedMicros + "|"
        + sumShippedMicros + "|" + sumWeightTenths + "|" + sumScoreThousandths
        + (typed ? "|" + sumMoodHash + "|" + sumTags + "|" + countTags : "");
  }

  long count() {
    return count;
  }

  /** PostgreSQL's numeric-to-bigint rounding: half away from zero. */
  private static long rounded(BigDecimal value) {
    return value.setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  private static long md5Prefix(String text) {
    byte[] md5 = OrderRow.md5(text);
    return ((md5[0] & 0xffL) << 24) | ((md5[1] & 0xffL) << 16) | ((md5[2] & 0xffL) << 8) | (md5[3] & 0xffL);
  }

  /** Microseconds since 1970 of a timestamp without zone, read as UTC (as PostgreSQL's extract(epoch) does). */
  private static long micros(LocalDateTime time) {
    return time.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + time.getNano() / 1_000;
  }
}

package io.changelake.api.spi;

import java.util.Objects;

/**
 * One file a table version reads: a data file, or a file of deletes the format's reader applies to data files.
 *
 * @param path the file's location
 * @param content what it holds: {@code DATA}, {@code EQUALITY_DELETES}, {@code POSITION_DELETES} or
 *     {@code DELETION_VECTORS}
 * @param format the file format, e.g. {@code PARQUET}
 * @param recordCount rows (data) or deleted rows (deletes) it holds, or -1 when the format does not record it
 * @param sizeInBytes its size
 */
public record TableFile(String path, String content, String format, long recordCount, long sizeInBytes) {
  public TableFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(format, "format");
  }
}

package io.changelake.cli;

import io.changelake.api.spi.TableFilter;
import io.changelake.api.spi.WriteMode;
import io.changelake.engine.transform.FunctionDialect;
import io.changelake.engine.transform.TypeMapping;

/** Builds a {@link SyncRequest} from Paimon-style flags; their computed columns' functions are Paimon's. */
final class PaimonRequests {
  private PaimonRequests() { }

  static SyncRequest of(PaimonFlags flags, ActionSourceConf conf, TableFilter filter, String table) {
    return new SyncRequest(conf.source(), flags.sourceOptions(conf), filter, flags.warehouse, flags.database, table,
        flags.catalogOptions(), LakeFormats.withPartitionKeys(flags.tableConf, flags.partitionKeys), WriteMode.UPSERT,
        flags.primaryKeys, flags.flink.commitInterval(), SyncOptions.DEFAULT_MAX_PENDING, flags.formats,
        flags.computedColumns, flags.metadataColumns, FunctionDialect.PAIMON)
        .withTypeMapping(TypeMapping.parse(flags.typeMapping)).withHealth(flags.health.settings());
  }
}

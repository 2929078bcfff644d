package io.changelake.query;

import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/** Calcite's type system with decimals up to 38 digits, as every lake format stores them. */
public final class LakeTypeSystem extends RelDataTypeSystemImpl {
  public static final LakeTypeSystem INSTANCE = new LakeTypeSystem();

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxPrecision(typeName);
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    return typeName == SqlTypeName.DECIMAL ? 38 : super.getMaxScale(typeName);
  }
}

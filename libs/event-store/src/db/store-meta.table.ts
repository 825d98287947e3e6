// Row shape of `store_meta`: facts about the store itself, such as its epoch.
import type { Insertable, Selectable } from 'kysely';

export interface StoreMetaTable {
  key: string;
  value: string;
}

export type StoreMetaRow = Selectable<StoreMetaTable>;
export type NewStoreMetaRow = Insertable<StoreMetaTable>;

// The record the simulated upstream serves. Prices are integer cents so sums stay exact.

export interface Item {
  readonly id: number;
  readonly name: string;
  readonly price: number;
  readonly quantity: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewItem {
  name: string;
  price?: number | undefined;
  quantity?: number | undefined;
}

export interface ItemPatch {
  name?: string | undefined;
  price?: number | undefined;
  quantity?: number | undefined;
}

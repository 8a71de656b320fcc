/** The part of ml-cart (no types of its own) the door analysis uses. */
declare module 'ml-cart' {
  export interface CartNode {
    splitColumn?: number;
    splitValue?: number;
    left?: CartNode;
    right?: CartNode;
    /** At a leaf: one row of class frequencies. */
    distribution?: number[][] | { data?: number[][] };
  }
  export class DecisionTreeClassifier {
    constructor(options?: { maxDepth?: number; minNumSamples?: number; gainFunction?: 'gini'; splitFunction?: 'mean' });
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    toJSON(): { root: CartNode };
  }
}

/** @module Interface test:versions/exact@2.1.0 **/
export function ping(): string;

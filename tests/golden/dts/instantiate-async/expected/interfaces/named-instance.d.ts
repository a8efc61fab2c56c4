/** @module Interface named-instance **/
export function hello(): string;

/** The API key of the tab: in sessionStorage only (gone with the tab), never in a URL. */
const STORAGE_KEY = 'sales-pipeline.api-key';

export const storedKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeKey = (key: string): void => sessionStorage.setItem(STORAGE_KEY, key);
export const forgetKey = (): void => sessionStorage.removeItem(STORAGE_KEY);

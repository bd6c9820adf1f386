export { AppStorePage } from './AppStorePage';

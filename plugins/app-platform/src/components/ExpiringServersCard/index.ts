export {
  EntityExpiringServersCard,
  ExpiringServersList,
} from './ExpiringServersCard';

export {
  ApplicationOverview,
  APPLICATION_ANNOTATION,
} from './ApplicationOverview';

export { Coordinator, type ListPage, type ListRequest, type ListedKey } from './coordinator';
